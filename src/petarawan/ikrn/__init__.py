"""IKRN survey rounds (issue 10): BNN's three respondent questionnaires per desa/kelurahan, from
question bank and XLSForms to completeness, area survey indicators and their sampling uncertainty.

Modules: :mod:`.bank` (question bank), :mod:`.form` (XLSForms), :mod:`.returns` (exports),
:mod:`.checks` (quality checks), :mod:`.completeness`, :mod:`.aggregate`, :mod:`.bootstrap`,
:mod:`.round` (one round end to end), :mod:`.cli` (``petarawan ikrn``).  Method:
``docs/method_ikrn.md``.
"""
