"""Files made from what the pages show: the /kpis view as XLSX, PNG and PDF (headless Chromium)."""
