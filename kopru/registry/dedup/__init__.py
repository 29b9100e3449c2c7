"""Duplicate detection: one scoring model for the check while registering and the batch run."""

# Kopru's import template: the columns a list of people may have (any may be missing).
TEMPLATE = [
    "id",
    "given_name",
    "family_name",
    "father_name",
    "mother_name",
    "sex",
    "date_of_birth",
    "nationality",
    "phone",
    "document_number",
]
