"""ctgdesk — l'outil des chargé·e·s de coopération territoriale CTG."""

__version__ = "0.1.0"
APP_NAME = "ctgdesk"
APP_DISPLAY_NAME = "ctgdesk — Coopération territoriale CTG"
