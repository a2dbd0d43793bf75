"""Demo data for Linbang: `python -m demo.seed PATH` builds a believable community to click through."""
