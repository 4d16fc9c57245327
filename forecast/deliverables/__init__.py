"""Stage 4, deliverables: what a planner reads, from one set of figures.

Enters: a run of the main job (:class:`forecast.pipeline.QuotaRun`: the shortage forecast, the
quota proposal and the run information) and the run's data. Leaves: ``quota.xlsx`` and
``report.html`` (written atomically into the output folder with ``quota.csv`` and ``run.json``),
and the terminal summary.

- :mod:`~forecast.deliverables.content`: :func:`planner_content` gathers every table and series
  the documents show, once, so the workbook, the report and the terminal agree;
- :mod:`~forecast.deliverables.workbook`, :mod:`~forecast.deliverables.report` and
  :mod:`~forecast.deliverables.charts`: the Excel workbook, the HTML report and its SVG charts;
- :mod:`~forecast.deliverables.i18n`: labels and number formats in English, Russian and Kazakh
  (the label files are in ``labels/``);
- :mod:`~forecast.deliverables.outputs`: staged, atomic writing of the output folder;
- :mod:`~forecast.deliverables.console`: the terminal summary and progress.
"""

# The languages of every text a person reads (label files in ``labels/``).
LANGUAGES = ("en", "ru", "kk")
