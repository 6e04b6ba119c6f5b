"""keyhelp: a troubleshooting assistant for Microsoft product-key redemption errors."""

__version__ = "0.1.0"
