"""Plain words on a run: how good the quota has been, which scenario it is, why a piece is
missing, where its demand growth came from.

:func:`quality_sentence` turns the quota back-test (the pooled table the report and the workbook
show, ``run.json["quota_backtest"]["pooled"]``) into one sentence: how much closer to the need
observed afterwards the recommendation came than today's rule and than a quota of zero, and how
keeping last year's need would have scored. Every number in it is read from, or computed from,
that table's allocation errors (written as the table writes them, :func:`share_text`), so the
sentence and the table always agree.
"""

from __future__ import annotations

from typing import Any

from forecast.deliverables.formats import share_text
from forecast.deliverables.i18n import Labels

# The references the recommendation is set beside, in the order the sentence names them.
REFERENCES = ("status_quo", "zero", "last_year_need")
# Optional pieces whose absence has a known cause and a way to get them.
ABSENT_HOW = {"scenarios": "absent.scenarios", "quota_backtest": "absent.quota_backtest"}


def improvement(recommendation: float, reference: float) -> float | None:
    """How much smaller the recommendation's allocation error is than a reference's, as a share
    of the reference's (0.25 = 25% closer to the need; negative: further from it)."""
    if reference is None or recommendation is None or not reference > 0:
        return None
    return (reference - recommendation) / reference


def _closer(share: float | None, t: Labels) -> str:
    if share is None:
        return "-"
    key = "quality.closer" if share >= 0 else "quality.further"
    return t(key, percent=t.percent(abs(share), 0))


def quality_sentence(backtest: dict | None, t: Labels, horizon: int = 1) -> str:
    """The plain-words summary of the quota back-test, or how to get one (``--backtest 3``)."""
    if not backtest or not backtest.get("pooled"):
        return t("quality.none")
    errors = {row["rule"]: row["allocation_error"] for row in backtest["pooled"]}
    years = sorted({str(row["year"]) for row in backtest.get("by_year", [])})
    span = years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"
    recommendation = errors.get("recommendation")
    values = {name: errors.get(name) for name in REFERENCES}
    need = t("quality.need_truth") if backtest.get("basis") == "truth" else t("quality.need_observed")
    # The back-test's quotas are made a year ahead; a proposal further ahead says so.
    ahead = " " + t("quality.horizon", run=int(horizon)) if int(horizon) > 1 else ""
    return t("quality.sentence", n=len(years), years=span, need=need,
             vs_status_quo=_closer(improvement(recommendation, values["status_quo"]), t),
             vs_zero=_closer(improvement(recommendation, values["zero"]), t),
             vs_last_year=_closer(improvement(recommendation, values["last_year_need"]), t),
             recommendation=share_text(recommendation, t),
             status_quo=share_text(values["status_quo"], t), zero=share_text(values["zero"], t),
             last_year=share_text(values["last_year_need"], t)) + ahead


# The kinds of input the panel model's sentence names, each by the prefixes of its features.
FEATURE_GROUPS = (("growth", ("growth", "momentum")), ("vacancies", ("vacancy",)), ("wages", ("wage",)),
                  ("applicants", ("applicants",)), ("demography", ("pension", "dependency", "graduates")),
                  ("emigration", ("emigration",)))


def feature_groups(features, t: Labels) -> str:
    """The kinds of input among ``features`` in the reader's words: only those the model used."""
    return ", ".join(t(f"model.feature.{group}") for group, prefixes in FEATURE_GROUPS
                     if any(name.startswith(prefixes) for name in features))


def model_sentence(info: dict, t: Labels) -> str:
    """Where the run's demand growth came from and how much the last observed balance weighs,
    in plain words, from ``run.json["models"]["demand_model"]``; empty when the run has none."""
    how = (info.get("models") or {}).get("demand_model") or {}
    if not how:
        return ""
    name = how.get("name", "univariate")
    weight = float(how.get("panel_weight", 0.0))
    features = len(how.get("features", []))
    groups = feature_groups(how.get("features", []), t)
    if name != "univariate" and not how.get("panel_trained", True):
        growth = t("model.panel_untrained")
    elif name == "univariate" or weight == 0.0:
        growth = t("model.univariate")
    elif weight == 1.0:
        growth = t("model.panel", features=features, groups=groups)
    else:
        growth = t("model.combined", panel=t.percent(weight, 0), univariate=t.percent(1 - weight, 0),
                   features=features, groups=groups)
    sentences = [growth]
    if "balance_forecast_share" in how:
        share = float(how["balance_forecast_share"])
        sentences.append(t("model.balance", forecast=t.percent(share, 0),
                           observed=t.percent(1 - share, 0)))
    stock = stock_sentence((info.get("models") or {}).get("stock_dynamics") or {}, t)
    return " ".join(sentences + ([stock] if stock else []))


def stock_sentence(fit: dict, t: Labels) -> str:
    """Whether the vacancies behave as a stock, and the rates the balance takes from them, from
    ``run.json["models"]["stock_dynamics"]``; empty without a fit (no vacancies table)."""
    if not fit or fit.get("r_squared") is None:
        return ""
    explained = t.percent(max(float(fit["r_squared"]), 0.0), 0)
    if fit["accepted"]:
        return t("model.stock", cells=t.integer(fit["cell_years"]), fit=explained,
                 keep=t.percent(fit["keep_share"], 0), scale=t.number(fit["supply_scale"], 2))
    return t("model.no_stock", fit=explained, limit=t.percent(fit["min_r_squared"], 0))


def scenario_view(info: dict, t: Labels) -> dict:
    """The run's scenario: ``name`` (code), ``title`` and ``description`` in the language, and
    the sentence the documents print (empty for the baseline)."""
    scenario = info.get("scenario") or {"name": "baseline", "description": ""}
    name = scenario["name"]
    title = t(f"scenario_name.{name}") if t.has(f"scenario_name.{name}") else name
    description = (t(f"scenario_description.{name}") if t.has(f"scenario_description.{name}")
                   else scenario.get("description", ""))
    text = "" if name == "baseline" else t("report.scenario", name=title, code=name,
                                          description=description)
    return {"name": name, "title": title, "description": description, "text": text}


def run_notes(info: dict, pieces: dict[str, Any], t: Labels, net_shortage: float) -> dict:
    """The notes of :class:`~forecast.deliverables.content.PlannerContent`: the national net
    shortage at the planning quantile, the scenario, the back-test sentence and, for each
    optional piece the run lacks, why and how to get it; the demand models' sentence."""
    scenario = scenario_view(info, t)
    absent = {name: t(key) for name, key in ABSENT_HOW.items() if pieces.get(name) is None}
    # A scenario's back-test is that of the rules on the data as they are: say so.
    backtest_note = (t("quality.scenario_note", name=scenario["title"])
                     if scenario["name"] != "baseline" and pieces.get("quota_backtest") is not None else "")
    return {"net_shortage": net_shortage, "scenario": scenario,
            "quality": quality_sentence(info.get("quota_backtest"), t, _horizon(info)),
            "absent": absent,
            "backtest_note": backtest_note, "models": model_sentence(info, t)}


def _horizon(info: dict) -> int:
    """Years from the last data year to the quota year (1 when the run does not say)."""
    if info.get("year") is None or info.get("origin") is None:
        return 1
    return int(info["year"]) - int(info["origin"])


def document_title(content) -> str:
    """The title of the report and the workbook, naming the scenario when it is not the baseline."""
    t = content.labels
    title = t("report.title", year=content.year)
    scenario = content.notes.get("scenario") or {}
    return title if scenario.get("name", "baseline") == "baseline" else f"{title} — {scenario['title']}"
