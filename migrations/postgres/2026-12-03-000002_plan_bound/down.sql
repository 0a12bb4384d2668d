ALTER TABLE allocation_plans DROP COLUMN first_fit_placed;
ALTER TABLE allocation_plans DROP COLUMN bound;
