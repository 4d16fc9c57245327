"""The orchestration layer: one function per command, from the data to the files.

Enters: a :class:`~forecast.inputs.loader.Dataset` and the run's options. Each job calls the
stages in order (inputs -> shortage -> quota -> deliverables), builds the run's series panel once
(:func:`forecast.shortage.build_series_panel`) and hands it to every stage, assembles the
manifest (:mod:`~forecast.pipeline.manifest`) and writes the output folder atomically. The
command line (:mod:`forecast.cli`) only parses arguments, calls these and prints the result.

- :func:`run_quota` (:mod:`~forecast.pipeline.quota_job`): the main job, ``labor-forecast quota``;
- :func:`run_forecast` (:mod:`~forecast.pipeline.forecast_job`): ``labor-forecast forecast``;
- :func:`run_backtest` (:mod:`~forecast.pipeline.backtest_job`): ``labor-forecast backtest``;
- :mod:`~forecast.pipeline.parallel`: where the models run (this machine or a Dask cluster);
- :mod:`~forecast.pipeline.persistence`: saving and loading fitted forecasts;
- :mod:`~forecast.pipeline.progress`: stage progress on stderr, passed in as ``progress=``;
- :mod:`~forecast.pipeline.report_process`: the report written by a helper process while the
  workbook is written, on machines with two cores or more.
"""

from forecast.pipeline.backtest_job import BacktestRun, run_backtest
from forecast.pipeline.forecast_job import ForecastRun, run_forecast
from forecast.pipeline.manifest import package_version
from forecast.pipeline.quota_job import QuotaRun, backtest_origins, run_quota

__all__ = ["BacktestRun", "ForecastRun", "QuotaRun", "backtest_origins", "package_version",
           "run_backtest", "run_forecast", "run_quota"]
