"""Real published Kazakhstan data: the shipped BNS tables, their importer and the grid estimated from their margins.

- :mod:`~forecast.inputs.real.bns_long`: the BNS long layout (``date,region,item_code,item_name,value``),
  three-letter and KATO region codes, units, the 2015 gap and the Shymkent double count;
- :mod:`~forecast.inputs.real.tables`: the shipped files (``forecast/data/kz_bns``, ``kz_public``) as tidy frames;
- :mod:`~forecast.inputs.real.ipf`: iterative proportional fitting;
- :mod:`~forecast.inputs.real.grid`: employment by region x section x skill from the margins;
- :mod:`~forecast.inputs.real.uncertainty`: the grid refitted from plausible priors, ``estimation_cv``;
- :mod:`~forecast.inputs.real.flags`: the ``status`` and ``estimation_cv`` columns as the loader keeps them;
- :mod:`~forecast.inputs.real.demography`: population, migration and labour force;
- :mod:`~forecast.inputs.real.boundaries`: units created in 2018 and 2022 back-cast over earlier years;
- :mod:`~forecast.inputs.real.assemble`: ``labor-forecast real-data DIR``;
- :mod:`~forecast.inputs.real.provenance`: real, provided, estimated or synthetic, per table.
"""
