"""Survey exports are read in :mod:`petarawan.io.survey` (the one input layer); this module keeps
the names other code imported from here."""

from ..io.survey import (  # noqa: F401
    INSTANCE_COLUMNS,
    KEPT_TYPES,
    META_COLUMNS,
    SELECT_TYPES,
    Form,
    Question,
    SurveyData,
    expected_headers,
    read_export_tables,
    read_form,
    read_survey,
)
