"""The report in a real browser: headless Chromium renders it without console messages, every
chart is in the rendered page and a screenshot is taken.

Console messages are read from Chromium's own log (``--enable-logging=stderr``), where every
``console.*`` call and every uncaught script error appears as an ``INFO:CONSOLE`` line; the
report runs no script, so any such line is a defect. A page with a deliberate error checks that
the method would see one.

The report is checked in English, Russian and Kazakh. Overlapping chart labels are found in the
browser itself: a copy of the report with a small script measures every SVG ``<text>`` of the
charts as laid out (``getBoundingClientRect``) and writes the overlapping pairs into the page,
which ``--dump-dom`` returns.
"""

import os
import re
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHARTS = ("fan", "sectors", "map", "regions", "drivers", "backtest")

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; CI must install it (see .ci/run)", pytrace=False)
    pytestmark = pytest.mark.skip(reason="chromium is not installed; the report is not checked in a browser")


def chromium(url: str, profile, *extra: str) -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
               *extra, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


LANGUAGES = ("en", "ru", "kk")
# Counts the overlapping pairs of chart labels as the browser lays them out; a pair overlaps
# when the boxes share more than a pixel each way.
OVERLAP_SCRIPT = """
(function () {
  var found = [], measured = 0;
  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var boxes = [];
    figure.querySelectorAll("svg text").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && node.textContent.trim()) {
        boxes.push({text: node.textContent.trim(), l: r.left, r: r.right, t: r.top, b: r.bottom});
      }
    });
    measured += boxes.length;
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        var a = boxes[i], c = boxes[j];
        var w = Math.min(a.r, c.r) - Math.max(a.l, c.l), h = Math.min(a.b, c.b) - Math.max(a.t, c.t);
        if (w > 1 && h > 1) { found.push(figure.dataset.chart + ": " + a.text + " / " + c.text); }
      }
    }
  });
  var out = document.createElement("pre");
  out.id = "overlaps";
  out.setAttribute("data-count", String(found.length));
  out.setAttribute("data-measured", String(measured));
  out.textContent = found.join(" | ");
  document.body.appendChild(out);
})();
"""


@pytest.fixture(scope="module", params=LANGUAGES)
def report(request):
    """The report of the session's sample run in each language."""
    if request.param == "en":
        return request.getfixturevalue("sample_quota_run") / "report.html"
    return request.getfixturevalue(f"sample_quota_{request.param}")[2] / "report.html"


def test_console_messages_are_detected(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><body><script>console.error("seen");missing();</script>'
                    "</body></html>")
    result = chromium(page.as_uri(), tmp_path / "profile", "--dump-dom")
    lines = console_lines(result.stderr)
    assert any('"seen"' in line for line in lines)
    assert any("missing is not defined" in line for line in lines)


def test_report_renders_without_console_messages_and_with_every_chart(report, tmp_path):
    result = chromium(report.as_uri(), tmp_path / "profile", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_lines(result.stderr) == []
    dom = result.stdout
    for chart in CHARTS:
        block = re.search(rf'<figure class="chart" id="chart-{chart}"[^>]*>(.*?)</figure>', dom, re.S)
        assert block, f"chart {chart} missing from the rendered page"
        assert "<svg" in block.group(1)
    assert 'id="synthetic-banner"' in dom


def test_screenshot_is_taken_and_not_blank(report, tmp_path):
    from PIL import Image

    shot = tmp_path / "report.png"
    result = chromium(report.as_uri(), tmp_path / "profile", "--window-size=1280,4000",
                      "--hide-scrollbars", f"--screenshot={shot}")
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    image = Image.open(shot).convert("L")
    assert image.size == (1280, 4000)
    low, high = image.getextrema()
    assert high - low > 100                     # text and charts, not an empty page
    colours = Image.open(shot).convert("RGB").resize((64, 200)).getcolors(64 * 200)
    assert len(colours) > 50
    artifacts = os.environ.get("REPORT_SCREENSHOT_DIR")
    if artifacts:
        lang = re.search(r'<html lang="(\w+)"', report.read_text(encoding="utf-8")).group(1)
        shutil.copy(shot, os.path.join(artifacts, f"report-{lang}.png"))


def measured(report, tmp_path, script: str, width: int) -> subprocess.CompletedProcess:
    """The DOM of ``report`` laid out ``width`` pixels wide with ``script`` run at its end."""
    page = tmp_path / "measured.html"
    html = report.read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", f"<script>{script}</script></body>"), encoding="utf-8")
    return chromium(page.as_uri(), tmp_path / "profile", f"--window-size={width},4000", "--dump-dom")


def test_chart_labels_do_not_overlap(report, tmp_path):
    result = measured(report, tmp_path, OVERLAP_SCRIPT, 1280)
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_lines(result.stderr) == []
    block = re.search(r'<pre id="overlaps" data-count="(\d+)" data-measured="(\d+)">(.*?)</pre>',
                      result.stdout, re.S)
    assert block, "the measuring script did not run"
    assert int(block.group(2)) > 100            # the labels of every chart were measured
    assert int(block.group(1)) == 0, block.group(3)


def test_overlapping_labels_are_detected(tmp_path):
    page = tmp_path / "overlap.html"
    page.write_text('<!DOCTYPE html><html><body><figure class="chart" data-chart="x"><svg width="200" '
                    'height="50"><text x="10" y="20">Almaty</text><text x="14" y="22">Almaty</text>'
                    f"</svg></figure><script>{OVERLAP_SCRIPT}</script></body></html>")
    result = chromium(page.as_uri(), tmp_path / "profile", "--dump-dom")
    assert 'data-count="1"' in result.stdout


# Lists the tables wider than the box that holds them, as the browser lays them out: a column
# past the edge is one a reader does not see without scrolling.
OVERFLOW_SCRIPT = """
(function () {
  var wide = [];
  document.querySelectorAll("table").forEach(function (table) {
    var box = table.parentElement, section = table.closest("section");
    if (table.scrollWidth > box.clientWidth + 1) {
      wide.push((section ? section.id : "?") + ": " + table.scrollWidth + " > " + box.clientWidth);
    }
  });
  var out = document.createElement("pre");
  out.id = "overflow";
  out.setAttribute("data-tables", String(document.querySelectorAll("table").length));
  out.textContent = wide.join(" | ");
  document.body.appendChild(out);
})();
"""


def test_every_table_fits_the_page_at_1400_pixels(report, tmp_path):
    result = measured(report, tmp_path, OVERFLOW_SCRIPT, 1400)
    block = re.search(r'<pre id="overflow" data-tables="(\d+)">(.*?)</pre>', result.stdout, re.S)
    assert block, "the measuring script did not run"
    assert int(block.group(1)) > 10
    assert block.group(2) == ""


# Lists the table headings the browser broke inside a word other than at a soft hyphen: each
# letter's box is measured, and a letter that starts a new line right after another letter is
# a break inside a word.
WORD_BREAK_SCRIPT = """
(function () {
  var broken = [], headings = 0;
  document.querySelectorAll("th").forEach(function (th) {
    var walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT), node;
    headings += 1;
    while ((node = walker.nextNode())) {
      var text = node.textContent, top = null, previous = "";
      for (var i = 0; i < text.length; i++) {
        var range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        // A letter just after a soft-hyphen break also reports the hyphen's box on the line
        // before: its own box is the last one.
        var rects = range.getClientRects(), letter = text[i];
        var rect = rects.length ? rects[rects.length - 1] : null;
        if (!rect || rect.width === 0 || letter === "\\u00ad") { previous = letter; continue; }
        var isLetter = /\\p{L}/u.test(letter), wasLetter = /\\p{L}/u.test(previous);
        if (top !== null && rect.top > top + 2 && isLetter && wasLetter) {
          broken.push(text.replace(/\\u00ad/g, "") + " @" + i);
        }
        top = rect.top; previous = letter;
      }
    }
  });
  var out = document.createElement("pre");
  out.id = "word-breaks";
  out.setAttribute("data-headings", String(headings));
  out.textContent = broken.join(" | ");
  document.body.appendChild(out);
})();
"""


def _word_breaks(result) -> tuple[int, str]:
    block = re.search(r'<pre id="word-breaks" data-headings="(\d+)">(.*?)</pre>', result.stdout, re.S)
    assert block, "the measuring script did not run"
    return int(block.group(1)), block.group(2)


def test_table_headings_break_only_where_the_language_allows(report, tmp_path):
    # At a narrow window every long heading has to wrap; it may do so between words or at the
    # soft hyphens the report puts where the language's hyphenation allows.
    headings, broken = _word_breaks(measured(report, tmp_path, WORD_BREAK_SCRIPT, 1000))
    assert headings > 50
    assert broken == ""


def test_a_word_broken_between_two_letters_is_detected(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><table style="width:40px"><tr><th style="'
                    'overflow-wrap:anywhere;font-size:16px">перераспределение</th></tr></table>'
                    f"<script>{WORD_BREAK_SCRIPT}</script></body></html>", encoding="utf-8")
    headings, broken = _word_breaks(chromium(page.as_uri(), tmp_path / "profile", "--dump-dom"))
    assert headings == 1 and broken.startswith("перераспределение @")
