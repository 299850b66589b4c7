"""Pure Python core: fields, rows, values, validation and spreadsheets. No Qt, no network."""
