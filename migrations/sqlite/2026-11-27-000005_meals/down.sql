DROP TABLE menu_items;
DROP TABLE meal_coupons;
DROP TABLE meal_uses;
DROP TABLE meal_overrides;
DROP TABLE guest_meal_points;
DROP TABLE meal_policies;
DROP TABLE meal_windows;
DROP TABLE dining_points;
