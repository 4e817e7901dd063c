"""Output of forecaster: styled Excel workbooks and their atomic placement on disk."""
