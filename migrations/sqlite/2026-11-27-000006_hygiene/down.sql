DROP TABLE inspection_photos;
DROP TABLE incidents;
DROP TABLE inspections;
DROP TABLE inspector_shifts;
DROP TABLE hygiene_settings;
DROP TABLE inspectors;
