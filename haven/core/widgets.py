"""Widgets that render quickly.

Django renders every <option> of a select through the template engine, which costs a
millisecond or more per long list; a form with a few picklists spent most of its time there.
``QuickSelect`` writes the same markup directly.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        chosen.discard("None")
        options = []
        for option_value, label in self.choices:
            key = "" if option_value is None else str(option_value)
            options.append((key, " selected" if key in chosen else "", label))
        body = format_html_join("", '<option value="{}"{}>{}</option>', options)
        return format_html("<select{}>{}</select>", flatatt(final), body)
