"""Reply objects to words: one Jinja2 renderer per channel, with its escaping rule."""
