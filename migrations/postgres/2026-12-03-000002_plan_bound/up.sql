-- A plan keeps, beside how many it placed, how many the hard rules could place at most (the
-- relaxation's bound) and how many a plain first-fit places, so a shortage can be told real
-- (ask the hotels for rooms) or the plan's.
ALTER TABLE allocation_plans ADD COLUMN bound BIGINT;
ALTER TABLE allocation_plans ADD COLUMN first_fit_placed BIGINT;
