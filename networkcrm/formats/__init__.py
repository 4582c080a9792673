"""The project's date and time formats (`FORMAT_MODULE_PATH`), one package per language.

Templates name a format (`{{ day|date }}`, `{{ day|date:"SHORT_DATE_FORMAT" }}`) and Python
code calls `django.utils.formats.date_format` with a name: the style is chosen here, once.
"""
