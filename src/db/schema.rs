//! The tables, kept by hand so that ids are `BigInt` on both backends
//! (`diesel print-schema` on SQLite would say `Integer`).

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        scope -> Nullable<Text>,
        disabled -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        display_name -> Nullable<Text>,
        phone -> Nullable<Text>,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        locked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        user_id -> Nullable<BigInt>,
        username -> Text,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        detail -> Text,
    }
}

diesel::table! {
    departments (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    delegations (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    hubs (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
        meeting_point -> Nullable<Text>,
        name_en -> Nullable<Text>,
        meeting_point_en -> Nullable<Text>,
    }
}

diesel::table! {
    guests (id) {
        id -> BigInt,
        department_id -> BigInt,
        ref_code -> Text,
        name -> Text,
        name_latin -> Nullable<Text>,
        category -> Nullable<Text>,
        gender -> Nullable<Text>,
        delegation_id -> Nullable<BigInt>,
        organization -> Nullable<Text>,
        id_type -> Nullable<Text>,
        id_number -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        language -> Text,
        halal -> Bool,
        diet -> Nullable<Text>,
        arrival_mode -> Nullable<Text>,
        arrival_no -> Nullable<Text>,
        arrival_hub_id -> Nullable<BigInt>,
        arrival_at -> Nullable<Timestamp>,
        departure_mode -> Nullable<Text>,
        departure_no -> Nullable<Text>,
        departure_hub_id -> Nullable<BigInt>,
        departure_at -> Nullable<Timestamp>,
        stay_from -> Nullable<Date>,
        stay_to -> Nullable<Date>,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        accessible -> Bool,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_reason -> Nullable<Text>,
    }
}

diesel::table! {
    credential_zones (category) {
        category -> Text,
        zones -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    guest_photos (guest_id) {
        guest_id -> BigInt,
        jpeg -> Binary,
        sha256 -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    signing_keys (id) {
        id -> BigInt,
        key_id -> Integer,
        public_key -> Text,
        secret_key -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    zones (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        name_en -> Text,
        color -> Text,
        bit -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_sessions (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        name_en -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        gates -> Text,
        allow_reentry -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    passes (id) {
        id -> BigInt,
        kind -> Text,
        serial -> Integer,
        status -> Text,
        guest_id -> Nullable<BigInt>,
        zones -> Text,
        valid_from -> Date,
        valid_to -> Date,
        plate -> Nullable<Text>,
        stream -> Nullable<Text>,
        vehicle_type -> Nullable<Text>,
        driver_name -> Nullable<Text>,
        driver_phone -> Nullable<Text>,
        session_id -> Nullable<BigInt>,
        section -> Nullable<Text>,
        seat -> Nullable<Text>,
        invitee_name -> Nullable<Text>,
        invitee_org -> Nullable<Text>,
        token -> Nullable<Text>,
        key_id -> Nullable<Integer>,
        revoked_reason -> Nullable<Text>,
        revoked_note -> Nullable<Text>,
        issued_at -> Nullable<Timestamp>,
        printed_at -> Nullable<Timestamp>,
        collected_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    pass_revocations (id) {
        id -> BigInt,
        pass_id -> BigInt,
        kind -> Text,
        min_serial -> Integer,
        revoked -> Bool,
        at -> Timestamp,
    }
}

diesel::table! {
    scan_points (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        kind -> Text,
        zone -> Nullable<Text>,
        session_id -> Nullable<BigInt>,
        target -> Nullable<Text>,
        created_at -> Timestamp,
        offline_max_age_minutes -> Nullable<Integer>,
    }
}

diesel::table! {
    scans (id) {
        id -> BigInt,
        at -> Timestamp,
        point_id -> BigInt,
        user_id -> BigInt,
        device -> Nullable<Text>,
        nonce -> Nullable<Text>,
        pass_id -> Nullable<BigInt>,
        serial -> Nullable<Integer>,
        verdict -> Text,
        reason -> Nullable<Text>,
        response -> Text,
        device_id -> Nullable<BigInt>,
        device_verdict -> Nullable<Text>,
        device_reason -> Nullable<Text>,
        received_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    devices (id) {
        id -> BigInt,
        name -> Text,
        point_id -> BigInt,
        user_id -> BigInt,
        registered_at -> Timestamp,
        last_sync_at -> Nullable<Timestamp>,
        kit_generated_at -> Nullable<Timestamp>,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    scan_conflicts (id) {
        id -> BigInt,
        kind -> Text,
        pass_id -> BigInt,
        kept_scan_id -> Nullable<BigInt>,
        lost_scan_id -> BigInt,
        detected_at -> Timestamp,
    }
}

diesel::table! {
    pass_uses (id) {
        id -> BigInt,
        pass_id -> BigInt,
        session_id -> BigInt,
        scan_id -> BigInt,
        at -> Timestamp,
    }
}

diesel::table! {
    hotels (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        address -> Text,
        contact_name -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        email -> Nullable<Text>,
        categories -> Text,
        halal -> Bool,
        venue_minutes -> Integer,
        exclusive -> Bool,
        created_at -> Timestamp,
        name_en -> Nullable<Text>,
        address_en -> Nullable<Text>,
    }
}

diesel::table! {
    room_blocks (id) {
        id -> BigInt,
        hotel_id -> BigInt,
        room_type -> Text,
        nights_from -> Date,
        nights_to -> Date,
        rooms -> Integer,
        rate_cents -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    room_releases (id) {
        id -> BigInt,
        hotel_id -> BigInt,
        room_type -> Text,
        nights_from -> Date,
        nights_to -> Date,
        rooms -> Integer,
        reason -> Text,
        status -> Text,
        requested_by -> Text,
        decided_by -> Nullable<Text>,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lodging_policies (category) {
        category -> Text,
        hotels -> Text,
        room_types -> Text,
        shared -> Bool,
        share_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    allocation_plans (id) {
        id -> BigInt,
        revision -> Integer,
        status -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        comment -> Nullable<Text>,
        penalty -> Text,
        baseline_penalty -> Text,
        unplaced -> Text,
        bound -> Nullable<BigInt>,
        first_fit_placed -> Nullable<BigInt>,
    }
}

diesel::table! {
    plan_assignments (plan_id, guest_id) {
        plan_id -> BigInt,
        guest_id -> BigInt,
        hotel_id -> BigInt,
        room_type -> Text,
        room -> Integer,
        nights_from -> Date,
        nights_to -> Date,
        locked -> Bool,
        why -> Text,
    }
}

diesel::table! {
    hotel_acks (hotel_id, plan_id) {
        hotel_id -> BigInt,
        plan_id -> BigInt,
        acknowledged_by -> Text,
        acknowledged_at -> Timestamp,
    }
}

diesel::table! {
    stays (guest_id) {
        guest_id -> BigInt,
        hotel_id -> BigInt,
        room_type -> Text,
        room_group -> BigInt,
        room_no -> Nullable<Text>,
        nights_from -> Date,
        nights_to -> Date,
        status -> Text,
        checked_in_at -> Nullable<Timestamp>,
        checked_out_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    hub_travel (hub_id, hotel_id) {
        hub_id -> BigInt,
        hotel_id -> BigInt,
        minutes -> Integer,
    }
}

diesel::table! {
    trips (id) {
        id -> BigInt,
        hub_id -> BigInt,
        number -> Text,
        service_date -> Date,
        direction -> Text,
        expected_at -> Nullable<Timestamp>,
        status -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    pickups (guest_id, direction) {
        guest_id -> BigInt,
        direction -> Text,
        status -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    pickup_events (id) {
        id -> BigInt,
        guest_id -> BigInt,
        direction -> Text,
        status -> Text,
        at -> Timestamp,
        by_user -> Text,
    }
}

diesel::table! {
    vehicles (id) {
        id -> BigInt,
        plate -> Text,
        seats -> Integer,
        vehicle_type -> Text,
        driver_name -> Nullable<Text>,
        driver_phone -> Nullable<Text>,
        available_from -> Nullable<Timestamp>,
        available_to -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    runs (id) {
        id -> BigInt,
        hub_id -> BigInt,
        direction -> Text,
        service_date -> Date,
        hotel_id -> Nullable<BigInt>,
        vehicle_id -> Nullable<BigInt>,
        greeter -> Nullable<Text>,
        depart_at -> Timestamp,
        status -> Text,
        locked -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    run_guests (guest_id, direction) {
        run_id -> BigInt,
        guest_id -> BigInt,
        direction -> Text,
    }
}

diesel::table! {
    live_events (id) {
        id -> BigInt,
        at -> Timestamp,
        hub_id -> Nullable<BigInt>,
        kind -> Text,
        ref_id -> Text,
    }
}

diesel::table! {
    dining_points (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        hotel_id -> Nullable<BigInt>,
        seats -> Integer,
        halal -> Bool,
        created_at -> Timestamp,
        email -> Nullable<Text>,
        name_en -> Nullable<Text>,
    }
}

diesel::table! {
    meal_windows (point_id, service) {
        point_id -> BigInt,
        service -> Text,
        start_minute -> Integer,
        end_minute -> Integer,
    }
}

diesel::table! {
    meal_policies (category) {
        category -> Text,
        mode -> Text,
        services -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    guest_meal_points (guest_id) {
        guest_id -> BigInt,
        point_id -> BigInt,
    }
}

diesel::table! {
    meal_overrides (guest_id, day, service) {
        guest_id -> BigInt,
        day -> Date,
        service -> Text,
        point_id -> Nullable<BigInt>,
        allowed -> Bool,
    }
}

diesel::table! {
    meal_uses (id) {
        id -> BigInt,
        eater -> Text,
        day -> Date,
        service -> Text,
        point_id -> BigInt,
        halal -> Bool,
        at -> Timestamp,
    }
}

diesel::table! {
    meal_coupons (pass_id) {
        pass_id -> BigInt,
        point_id -> BigInt,
        day -> Date,
        service -> Text,
    }
}

diesel::table! {
    menu_items (id) {
        id -> BigInt,
        day -> Date,
        service -> Text,
        point_id -> Nullable<BigInt>,
        halal_counter -> Bool,
        name_zh -> Text,
        name_en -> Text,
        halal -> Bool,
        allergens -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspectors (id) {
        id -> BigInt,
        name -> Text,
        unit -> Text,
        phone -> Nullable<Text>,
        certificate_no -> Text,
        languages -> Text,
        created_at -> Timestamp,
        email -> Nullable<Text>,
    }
}

diesel::table! {
    hygiene_settings (name) {
        name -> Text,
        value -> Integer,
    }
}

diesel::table! {
    inspector_shifts (id) {
        id -> BigInt,
        inspector_id -> BigInt,
        point_id -> BigInt,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspections (id) {
        id -> BigInt,
        inspector_id -> BigInt,
        point_id -> BigInt,
        day -> Date,
        arrived_at -> Timestamp,
        items -> Text,
        failed -> Integer,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspection_photos (inspection_id, item) {
        inspection_id -> BigInt,
        item -> Text,
        jpeg -> Binary,
    }
}

diesel::table! {
    incidents (id) {
        id -> BigInt,
        point_id -> BigInt,
        raised_by -> Text,
        kind -> Text,
        description -> Text,
        stops_service -> Bool,
        status -> Text,
        follow_up -> Text,
        created_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_batches (id) {
        id -> BigInt,
        kind -> Text,
        total -> Integer,
        filter -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        guest_id -> Nullable<BigInt>,
        recipient_kind -> Text,
        recipient_id -> BigInt,
        recipient -> Text,
        ref_id -> Text,
        params -> Text,
        batch_id -> Nullable<BigInt>,
        dedupe_key -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        subject -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(passes -> guests (guest_id));
diesel::joinable!(passes -> event_sessions (session_id));
diesel::joinable!(scans -> scan_points (point_id));
diesel::joinable!(devices -> scan_points (point_id));

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(guests -> departments (department_id));
diesel::joinable!(guests -> delegations (delegation_id));
diesel::joinable!(guest_photos -> guests (guest_id));
diesel::joinable!(room_blocks -> hotels (hotel_id));
diesel::joinable!(room_releases -> hotels (hotel_id));
diesel::joinable!(plan_assignments -> guests (guest_id));
diesel::joinable!(plan_assignments -> hotels (hotel_id));
diesel::joinable!(plan_assignments -> allocation_plans (plan_id));
diesel::joinable!(stays -> guests (guest_id));
diesel::joinable!(stays -> hotels (hotel_id));
diesel::joinable!(runs -> vehicles (vehicle_id));
diesel::joinable!(run_guests -> runs (run_id));
diesel::joinable!(pickups -> guests (guest_id));
diesel::joinable!(guest_meal_points -> guests (guest_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    devices,
    scan_conflicts,
    login_throttle,
    outbox,
    credential_zones,
    mail_batches,
    sessions,
    audit_log,
    departments,
    delegations,
    hubs,
    guests,
    guest_photos,
    signing_keys,
    zones,
    event_sessions,
    passes,
    pass_revocations,
    scan_points,
    scans,
    pass_uses,
    hotels,
    room_blocks,
    room_releases,
    lodging_policies,
    allocation_plans,
    plan_assignments,
    hotel_acks,
    stays,
    hub_travel,
    trips,
    pickups,
    pickup_events,
    vehicles,
    runs,
    run_guests,
    live_events,
    dining_points,
    meal_windows,
    meal_policies,
    guest_meal_points,
    meal_overrides,
    meal_uses,
    meal_coupons,
    menu_items,
    inspectors,
    hygiene_settings,
    inspector_shifts,
    inspections,
    incidents,
    inspection_photos,
);
