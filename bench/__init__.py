"""Speed figures for NetworkCRM, measured and printed: `python -m bench` (bench/README.md)."""
