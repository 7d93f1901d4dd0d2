"""Date formats where Django's defaults do not suit the site (FORMAT_MODULE_PATH)."""
