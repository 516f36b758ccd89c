"""Assets by sector; each sector package declares its DATASETS (specs) and any derived assets."""
