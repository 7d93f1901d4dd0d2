"""Dates per language (ruisseau/formats/)."""


def test_dates_cannot_be_read_the_wrong_way_round():
    from datetime import date

    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }} | {{ d|date:"DATE_FORMAT" }}')
    with translation.override("en"):
        assert template.render(Context({"d": date(2026, 3, 4)})) == "4 Mar 2026 | 4 March 2026"
    with translation.override("fr"):
        assert template.render(Context({"d": date(2026, 3, 4)})) == "04/03/2026 | 4 mars 2026"
