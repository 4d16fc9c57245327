"""Stage 1, inputs: data directories in, validated tables on one set of region boundaries out.

Enters: a folder of tables (``.csv``, ``.parquet`` or ``.xlsx``, the contract in
:mod:`~forecast.inputs.schema`), a statistical office's wide export
(:mod:`~forecast.inputs.bns_import`), or the embedded synthetic sample
(:mod:`~forecast.inputs.sample`). Leaves: a :class:`~forecast.inputs.loader.Dataset` of validated
long tables with region and sector codes, which the shortage stage (:mod:`forecast.shortage`)
harmonizes and turns into series.

- :mod:`~forecast.inputs.loader`: :func:`load_data` reads and validates every table and reports
  every problem at once (:mod:`~forecast.inputs.checks` holds the per-table checks,
  :mod:`~forecast.inputs.consistency` those across tables, bands and boundaries);
- :mod:`~forecast.inputs.regions`, :mod:`~forecast.inputs.sectors`: the classifications, with
  names in English, Russian and Kazakh and their aliases (:mod:`~forecast.inputs.lookup`);
- :mod:`~forecast.inputs.harmonize`: the 2018 and 2022 boundary changes;
- :mod:`~forecast.inputs.errors`: the errors users can cause, with file, column, row and value.
"""
