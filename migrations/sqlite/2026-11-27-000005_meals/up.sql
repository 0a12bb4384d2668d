-- Where guests eat: a hotel's dining room or a standalone canteen.
CREATE TABLE dining_points (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    hotel_id BIGINT REFERENCES hotels(id) ON DELETE SET NULL,
    seats INTEGER NOT NULL,
    halal BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Service windows in minutes of the local day (end up to 1440, or before start when the
-- window runs past midnight). point_id 0 holds the event's defaults.
CREATE TABLE meal_windows (
    point_id BIGINT NOT NULL,
    service TEXT NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL,
    PRIMARY KEY (point_id, service)
);

-- Per category: where its guests eat (their hotel's point, any point, none) and which services.
CREATE TABLE meal_policies (
    category TEXT PRIMARY KEY,
    mode TEXT NOT NULL,
    services TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A guest's designated point, instead of their hotel's.
CREATE TABLE guest_meal_points (
    guest_id BIGINT PRIMARY KEY REFERENCES guests(id) ON DELETE CASCADE,
    point_id BIGINT NOT NULL REFERENCES dining_points(id) ON DELETE CASCADE
);

-- Reception's exceptions for one guest, day and service: extra meals, another point, no meals.
CREATE TABLE meal_overrides (
    guest_id BIGINT NOT NULL REFERENCES guests(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    service TEXT NOT NULL,
    point_id BIGINT REFERENCES dining_points(id) ON DELETE CASCADE,
    allowed BOOLEAN NOT NULL,
    PRIMARY KEY (guest_id, day, service)
);

-- Every meal eaten. The unique key makes "once per service" the database's decision:
-- `eater` is g<guest id> for a credential, c<pass id> for a coupon.
CREATE TABLE meal_uses (
    id INTEGER PRIMARY KEY,
    eater TEXT NOT NULL,
    day DATE NOT NULL,
    service TEXT NOT NULL,
    point_id BIGINT NOT NULL,
    halal BOOLEAN NOT NULL,
    at TIMESTAMP NOT NULL,
    UNIQUE (eater, day, service)
);
CREATE INDEX meal_uses_point ON meal_uses(point_id, day, service);

-- What a meal coupon (a pass of kind meal_coupon) is good for.
CREATE TABLE meal_coupons (
    pass_id BIGINT PRIMARY KEY REFERENCES passes(id) ON DELETE CASCADE,
    point_id BIGINT NOT NULL REFERENCES dining_points(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    service TEXT NOT NULL
);

-- The unified menu: per day and service; point_id set for a point's exception; halal_counter
-- for the halal counters' menu.
CREATE TABLE menu_items (
    id INTEGER PRIMARY KEY,
    day DATE NOT NULL,
    service TEXT NOT NULL,
    point_id BIGINT REFERENCES dining_points(id) ON DELETE CASCADE,
    halal_counter BOOLEAN NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    halal BOOLEAN NOT NULL,
    allergens TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX menu_items_day ON menu_items(day, service);
