"""Scale: features and the automatic forecaster on synthetic panels of 1,000 to 100,000 series."""
