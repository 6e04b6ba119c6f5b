"""Screenshots: the error read from an image, for every channel.

``ScreenshotReader.from_settings(OcrSettings.from_env()).submit(data, recogniser)`` gives a
future ``Screenshot`` (text already masked); ``Refused`` and ``Busy`` name what went wrong.
Modules: limits (safe decoding), prepare (Pillow preprocessing), ocr (Tesseract), pool
(bounded workers), keylines and match (OCR-specific masking and correction), read (the path).
"""
