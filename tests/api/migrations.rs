//! The two migration trees stay in step, run down and up again, and fit the models.

use diesel::prelude::*;
use yingbin::db::{self, schema, DbConn};

use crate::common::{fresh_database, Backend, TestResult};

fn folders(backend: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!(
        "{}/migrations/{backend}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .map(|dir| {
        dir.filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    })
    .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn both_backends_have_the_same_migration_folders() {
    let sqlite = folders("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, folders("postgres"));
}

fn every_model_loads(conn: &mut DbConn) -> QueryResult<()> {
    use yingbin::audit::AuditRow;
    use yingbin::auth::User;
    use yingbin::guests::{Delegation, Department, Guest, GuestPhoto, Hub};
    schema::users::table
        .select(User::as_select())
        .limit(0)
        .load(conn)?;
    schema::audit_log::table
        .select(AuditRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::departments::table
        .select(Department::as_select())
        .limit(0)
        .load(conn)?;
    schema::delegations::table
        .select(Delegation::as_select())
        .limit(0)
        .load(conn)?;
    schema::hubs::table
        .select(Hub::as_select())
        .limit(0)
        .load(conn)?;
    schema::guests::table
        .select(Guest::as_select())
        .limit(0)
        .load(conn)?;
    schema::guest_photos::table
        .select(GuestPhoto::as_select())
        .limit(0)
        .load(conn)?;
    schema::sessions::table
        .select(schema::sessions::id)
        .limit(0)
        .load::<i64>(conn)?;
    use yingbin::hotels::{
        AssignmentRow, Hotel, PlanRow, PolicyRow, RoomBlock, RoomRelease, StayRow,
    };
    schema::hotels::table
        .select(Hotel::as_select())
        .limit(0)
        .load(conn)?;
    schema::room_blocks::table
        .select(RoomBlock::as_select())
        .limit(0)
        .load(conn)?;
    schema::room_releases::table
        .select(RoomRelease::as_select())
        .limit(0)
        .load(conn)?;
    schema::lodging_policies::table
        .select(PolicyRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::allocation_plans::table
        .select(PlanRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::plan_assignments::table
        .select(AssignmentRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::stays::table
        .select(StayRow::as_select())
        .limit(0)
        .load(conn)?;
    use yingbin::live::LiveEvent;
    use yingbin::pickups::{RunRow, TripRow, Vehicle};
    schema::trips::table
        .select(TripRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::vehicles::table
        .select(Vehicle::as_select())
        .limit(0)
        .load(conn)?;
    schema::runs::table
        .select(RunRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::live_events::table
        .select(LiveEvent::as_select())
        .limit(0)
        .load(conn)?;
    use yingbin::meals::{DiningPoint, MenuItem};
    schema::dining_points::table
        .select(DiningPoint::as_select())
        .limit(0)
        .load(conn)?;
    schema::menu_items::table
        .select(MenuItem::as_select())
        .limit(0)
        .load(conn)?;
    schema::meal_uses::table
        .select(schema::meal_uses::id)
        .limit(0)
        .load::<i64>(conn)?;
    use yingbin::hygiene::{IncidentRow, InspectionRow, InspectorRow, ShiftRow};
    schema::inspectors::table
        .select(InspectorRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::inspector_shifts::table
        .select(ShiftRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::inspections::table
        .select(InspectionRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::incidents::table
        .select(IncidentRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::hotel_acks::table
        .select(schema::hotel_acks::plan_id)
        .limit(0)
        .load::<i64>(conn)?;
    schema::outbox::table
        .select(yingbin::outbox::OutboxRow::as_select())
        .limit(0)
        .load(conn)?;
    schema::mail_batches::table
        .select((schema::mail_batches::id, schema::mail_batches::filter))
        .limit(0)
        .load::<(i64, String)>(conn)?;
    Ok(())
}

fn up_down_up(backend: Backend) -> TestResult {
    let Some((url, _db)) = fresh_database(backend) else {
        return Ok(());
    };
    let pool = db::open_pool(
        &db::DbUrl::parse(&url)?,
        &db::PoolOptions {
            max_size: 1,
            timeout: std::time::Duration::from_secs(5),
            create_sqlite: true,
        },
    )?;
    let mut conn = pool.get()?;
    db::run_migrations(&mut conn)?;
    every_model_loads(&mut conn)?;
    db::revert_all_migrations(&mut conn)?;
    assert!(
        every_model_loads(&mut conn).is_err(),
        "after down the tables are gone"
    );
    db::run_migrations(&mut conn)?;
    every_model_loads(&mut conn)?;
    Ok(())
}

#[test]
fn migrations_run_down_and_up_again_on_sqlite_and_fit_every_model() -> TestResult {
    up_down_up(Backend::Sqlite)
}

#[test]
fn migrations_run_down_and_up_again_on_postgres_and_fit_every_model() -> TestResult {
    up_down_up(Backend::Postgres)
}
