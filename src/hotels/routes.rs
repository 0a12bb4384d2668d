//! HTTP handlers of hotels, blocks, releases, the policy, allocation plans, rooming lists and
//! the hotel desk.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::hotels::catalog::{self, Occupancy, RoomsRequest};
use crate::hotels::desk::{self, DeskDay, Folio, StayRequest, StayResponse};
use crate::hotels::edits::{self, EditRequest};
use crate::hotels::model::{
    AssignmentResponse, BlockResponse, HotelResponse, PlanSummary, PolicyEntry, ReleaseResponse,
};
use crate::hotels::plans::{self, AssignmentPage, HotelChanges, PlanDetail};
use crate::hotels::releases;
use crate::hotels::rooming::{self, RoomingList};
use crate::hotels::rules::{PlanAction, StayAction};
use crate::http::parse_json;
use crate::i18n::Lang;
use crate::AppState;

/// Who sees hotels and their rooming lists (a desk only its own hotel).
const HOTEL_READERS: &[Role] = &[
    Role::Admin,
    Role::Reception,
    Role::Committee,
    Role::HotelDesk,
];
/// Who keeps the hotels, blocks, policy and plans.
const RECEPTION: &[Role] = &[Role::Admin, Role::Reception];
/// Who reviews plans.
const PLAN_READERS: &[Role] = &[Role::Admin, Role::Reception, Role::Committee];
/// Who approves or returns a plan: the organizing committee alone.
const COMMITTEE: &[Role] = &[Role::Committee];
/// Who works the desk (and asks to release rooms).
const DESK: &[Role] = &[Role::Admin, Role::Reception, Role::HotelDesk];

/// The designated hotels (a hotel desk sees its own).
#[utoipa::path(tag = "hotels", responses((status = 200, body = Vec<HotelResponse>)))]
#[get("/hotels")]
pub async fn list_hotels(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(HOTEL_READERS)?;
    let hotels = state
        .db(move |conn| catalog::list_hotels(conn, &user))
        .await?;
    Ok(HttpResponse::Ok().json(hotels))
}

/// Adds a designated hotel.
#[utoipa::path(tag = "hotels", request_body = HotelResponse, responses((status = 201, body = HotelResponse), (status = 409), (status = 422)))]
#[post("/hotels")]
pub async fn create_hotel(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let body: serde_json::Value = parse_json(&body)?;
    let hotel = state
        .write(move |tx| catalog::create_hotel(tx, &user, &body))
        .await?;
    Ok(HttpResponse::Created().json(hotel))
}

/// Changes some of a hotel's fields.
#[utoipa::path(tag = "hotels", request_body = HotelResponse, responses((status = 200, body = HotelResponse), (status = 404), (status = 422)))]
#[patch("/hotels/{code}")]
pub async fn update_hotel(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let body: serde_json::Value = parse_json(&body)?;
    let hotel = state
        .write(move |tx| catalog::update_hotel(tx, &user, &code, &body))
        .await?;
    Ok(HttpResponse::Ok().json(hotel))
}

/// Removes a hotel no plan or stay names.
#[utoipa::path(tag = "hotels", responses((status = 204), (status = 404), (status = 409)))]
#[delete("/hotels/{code}")]
pub async fn delete_hotel(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    state
        .write(move |tx| catalog::delete_hotel(tx, &user, &code))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The rooms a hotel holds for the event.
#[utoipa::path(tag = "hotels", responses((status = 200, body = Vec<BlockResponse>)))]
#[get("/hotels/{code}/blocks")]
pub async fn list_blocks(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require(HOTEL_READERS)?;
    let blocks = state
        .db(move |conn| {
            let hotel = catalog::hotel_for(conn, &user, &code)?;
            Ok(crate::hotels::store::list_hotel_blocks(conn, hotel.id)?
                .iter()
                .map(catalog::block_response)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(blocks))
}

/// Holds rooms at a hotel.
#[utoipa::path(tag = "hotels", request_body = RoomsRequest, responses((status = 201, body = BlockResponse), (status = 422)))]
#[post("/hotels/{code}/blocks")]
pub async fn create_block(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let req: RoomsRequest = parse_json(&body)?;
    let block = state
        .write(move |tx| catalog::create_block(tx, &user, &code, &req))
        .await?;
    Ok(HttpResponse::Created().json(block))
}

/// Removes a block (refused while the published plan needs its rooms).
#[utoipa::path(tag = "hotels", responses((status = 204), (status = 404), (status = 409)))]
#[delete("/hotels/{code}/blocks/{id}")]
pub async fn delete_block(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let (code, id) = path.into_inner();
    state
        .write(move |tx| catalog::delete_block(tx, &user, &code, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A hotel asks to release held rooms for some nights.
#[utoipa::path(tag = "hotels", request_body = RoomsRequest, responses((status = 201, body = ReleaseResponse), (status = 422)))]
#[post("/hotels/{code}/releases")]
pub async fn request_release(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(DESK)?;
    let req: RoomsRequest = parse_json(&body)?;
    let tz = state.settings.timezone;
    let release = state
        .write(move |tx| releases::request_release(tx, &user, &code, &req, tz))
        .await?;
    Ok(HttpResponse::Created().json(release))
}

/// Filter of release requests.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReleaseQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// `pending`, `granted` or `refused`.
    pub status: Option<String>,
}

/// Release requests (a hotel desk sees its own).
#[utoipa::path(tag = "hotels", params(ReleaseQuery), responses((status = 200, body = Vec<ReleaseResponse>)))]
#[get("/releases")]
pub async fn list_releases(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReleaseQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(HOTEL_READERS)?;
    let tz = state.settings.timezone;
    let list = state
        .db(move |conn| releases::list_releases(conn, &user, query.status.as_deref(), tz))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A reviewer's comment.
#[derive(Deserialize, ToSchema, Default)]
pub struct CommentRequest {
    pub comment: Option<String>,
}

fn comment_of(body: &web::Bytes) -> Result<CommentRequest, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(CommentRequest::default())
    } else {
        parse_json(body)
    }
}

/// Grants a release: the held rooms shrink (refused while the published plan uses them).
#[utoipa::path(tag = "hotels", request_body = CommentRequest, responses((status = 200, body = ReleaseResponse), (status = 409)))]
#[post("/releases/{id}/grant")]
pub async fn grant_release(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let req = comment_of(&body)?;
    let tz = state.settings.timezone;
    let r = state
        .write(move |tx| releases::decide_release(tx, &user, *id, true, req.comment.as_deref(), tz))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Refuses a release.
#[utoipa::path(tag = "hotels", request_body = CommentRequest, responses((status = 200, body = ReleaseResponse), (status = 409)))]
#[post("/releases/{id}/refuse")]
pub async fn refuse_release(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let req = comment_of(&body)?;
    let tz = state.settings.timezone;
    let r = state
        .write(move |tx| {
            releases::decide_release(tx, &user, *id, false, req.comment.as_deref(), tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// The occupancy grid: hotel × night, rooms held, allocated and checked in.
#[utoipa::path(tag = "hotels", responses((status = 200, body = Occupancy)))]
#[get("/occupancy")]
pub async fn occupancy(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(PLAN_READERS)?;
    let grid = state.db(catalog::occupancy).await?;
    Ok(HttpResponse::Ok().json(grid))
}

/// The lodging policy: per category, hotels, room types and who may share.
#[utoipa::path(tag = "hotels", responses((status = 200, body = Vec<PolicyEntry>)))]
#[get("/lodging-policy")]
pub async fn get_policy(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(PLAN_READERS)?;
    let p = state.db(catalog::policy).await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Replaces the lodging policy (every category once).
#[utoipa::path(tag = "hotels", request_body = Vec<PolicyEntry>, responses((status = 200, body = Vec<PolicyEntry>), (status = 422)))]
#[put("/lodging-policy")]
pub async fn set_policy(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let entries: Vec<PolicyEntry> = parse_json(&body)?;
    let p = state
        .write(move |tx| catalog::set_policy(tx, &user, &entries))
        .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Allocation plans, newest first.
#[utoipa::path(tag = "allocations", responses((status = 200, body = Vec<PlanSummary>)))]
#[get("/allocations")]
pub async fn list_plans(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(PLAN_READERS)?;
    let tz = state.settings.timezone;
    let list = state.db(move |conn| plans::list_plans(conn, tz)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Proposes a draft plan: the engine places every guest who needs lodging.
#[utoipa::path(tag = "allocations", responses((status = 201, body = PlanSummary), (status = 409)))]
#[post("/allocations/propose")]
pub async fn propose_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let tz = state.settings.timezone;
    let plan = state.write(move |tx| plans::propose(tx, &user, tz)).await?;
    Ok(HttpResponse::Created().json(plan))
}

/// A plan with its hotels and the guests it could not place.
#[utoipa::path(tag = "allocations", responses((status = 200, body = PlanDetail), (status = 404)))]
#[get("/allocations/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require(PLAN_READERS)?;
    let (lang, tz) = (Lang::of_request(&req), state.settings.timezone);
    let detail = state
        .db(move |conn| plans::plan_detail(conn, *id, lang, tz))
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Filters of a plan's assignments.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AssignmentQuery {
    /// The answer's language (`zh` or `en`), accepted on every route.
    pub lang: Option<String>,
    /// Hotel code.
    pub hotel: Option<String>,
    /// Text in the name, Latin name, delegation or organization.
    pub q: Option<String>,
    /// Page, from 1.
    pub page: Option<i64>,
    /// Rows a page (default 100, at most 1000).
    pub per_page: Option<i64>,
}

/// A plan's assignments.
#[utoipa::path(tag = "allocations", params(AssignmentQuery), responses((status = 200, body = AssignmentPage)))]
#[get("/allocations/{id}/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<AssignmentQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require(PLAN_READERS)?;
    let lang = Lang::of_request(&req);
    let per_page = query.per_page.unwrap_or(100).clamp(1, 1000);
    let offset = (query.page.unwrap_or(1).max(1) - 1) * per_page;
    let page = state
        .db(move |conn| {
            plans::list_assignments(
                conn,
                *id,
                query.hotel.as_deref(),
                query.q.as_deref(),
                (per_page, offset),
                lang,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn edit_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: i64,
    body: web::Bytes,
    req: HttpRequest,
    to_edit: fn(&EditRequest) -> Result<edits::Edit, AppError>,
) -> Result<Vec<AssignmentResponse>, AppError> {
    user.require(RECEPTION)?;
    let edit = to_edit(&parse_json::<EditRequest>(&body)?)?;
    let lang = Lang::of_request(&req);
    state
        .write(move |tx| edits::edit(tx, &user, id, &edit, lang))
        .await
}

/// Places a guest who has no room in the plan, carrying out the moves the engine suggests when
/// a room must be freed first (every moved guest keeps a room the rules allow); 409 `no_room`
/// with the reason when there is none. The guests placed and moved come back, locked.
#[utoipa::path(tag = "allocations", responses((status = 200, body = Vec<AssignmentResponse>), (status = 404), (status = 409), (status = 422)))]
#[post("/allocations/{id}/unplaced/{guest_id}/place")]
pub async fn place_unplaced(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let (id, guest_id) = path.into_inner();
    let lang = Lang::of_request(&req);
    let rows = state
        .write(move |tx| edits::place_unplaced(tx, &user, id, guest_id, lang))
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Moves a guest to a hotel and room type (optionally into another guest's room), checked
/// against the hard rules; the guest is then locked.
#[utoipa::path(tag = "allocations", request_body = EditRequest, responses((status = 200, body = AssignmentResponse), (status = 409), (status = 422)))]
#[post("/allocations/{id}/move")]
pub async fn move_guest(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let mut rows = edit_plan(state, user, *id, body, req, EditRequest::to_move).await?;
    Ok(HttpResponse::Ok().json(rows.pop()))
}

/// Swaps two guests' rooms, checked against the hard rules.
#[utoipa::path(tag = "allocations", request_body = EditRequest, responses((status = 200, body = Vec<AssignmentResponse>), (status = 409), (status = 422)))]
#[post("/allocations/{id}/swap")]
pub async fn swap_guests(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let rows = edit_plan(state, user, *id, body, req, EditRequest::to_swap).await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Locks an assignment (proposing again keeps it) or frees it.
#[utoipa::path(tag = "allocations", request_body = EditRequest, responses((status = 200, body = AssignmentResponse), (status = 409)))]
#[post("/allocations/{id}/lock")]
pub async fn lock_guest(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let mut rows = edit_plan(state, user, *id, body, req, EditRequest::to_lock).await?;
    Ok(HttpResponse::Ok().json(rows.pop()))
}

async fn decide_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: i64,
    body: web::Bytes,
    action: PlanAction,
) -> Result<HttpResponse, AppError> {
    user.require(match action {
        PlanAction::Approve | PlanAction::Return => COMMITTEE,
        _ => RECEPTION,
    })?;
    let req = comment_of(&body)?;
    let tz = state.settings.timezone;
    let plan = state
        .write(move |tx| plans::decide(tx, &user, id, action, req.comment.as_deref(), tz))
        .await?;
    Ok(HttpResponse::Ok().json(plan))
}

/// Sends a draft plan to the committee.
#[utoipa::path(tag = "allocations", request_body = CommentRequest, responses((status = 200, body = PlanSummary), (status = 409)))]
#[post("/allocations/{id}/submit")]
pub async fn submit_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    decide_plan(state, user, *id, body, PlanAction::Submit).await
}

/// The committee approves a submitted plan: it is published as the next revision.
#[utoipa::path(tag = "allocations", request_body = CommentRequest, responses((status = 200, body = PlanSummary), (status = 409)))]
#[post("/allocations/{id}/approve")]
pub async fn approve_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    decide_plan(state, user, *id, body, PlanAction::Approve).await
}

/// The committee returns a submitted plan with comments (required).
#[utoipa::path(tag = "allocations", request_body = CommentRequest, responses((status = 200, body = PlanSummary), (status = 409), (status = 422)))]
#[post("/allocations/{id}/return")]
pub async fn return_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    decide_plan(state, user, *id, body, PlanAction::Return).await
}

/// Starts the next revision as a draft copy of the published plan.
#[utoipa::path(tag = "allocations", responses((status = 201, body = PlanSummary), (status = 409)))]
#[post("/allocations/{id}/revise")]
pub async fn revise_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(RECEPTION)?;
    let tz = state.settings.timezone;
    let plan = state
        .write(move |tx| plans::revise(tx, &user, *id, tz))
        .await?;
    Ok(HttpResponse::Created().json(plan))
}

/// What the published revision changed for a hotel.
#[utoipa::path(tag = "hotels", responses((status = 200, body = HotelChanges)))]
#[get("/hotels/{code}/changes")]
pub async fn hotel_changes(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require(DESK)?;
    let tz = state.settings.timezone;
    let changes = state
        .db(move |conn| {
            let hotel = catalog::hotel_for(conn, &user, &code)?;
            plans::hotel_changes(conn, &hotel, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(changes))
}

/// The hotel acknowledges the published revision.
#[utoipa::path(tag = "hotels", responses((status = 204), (status = 404)))]
#[post("/hotels/{code}/acknowledge")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require(DESK)?;
    state
        .write(move |tx| {
            let hotel = catalog::hotel_for(tx, &user, &code)?;
            plans::acknowledge(tx, &user, &hotel)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A hotel's rooming list.
#[utoipa::path(tag = "hotels", responses((status = 200, body = RoomingList)))]
#[get("/hotels/{code}/rooming-list")]
pub async fn rooming_list(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require(HOTEL_READERS)?;
    let tz = state.settings.timezone;
    let list = state
        .db(move |conn| {
            let hotel = catalog::hotel_for(conn, &user, &code)?;
            rooming::rooming_list(conn, &hotel, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A hotel's rooming list as CSV (UTF-8 with BOM, Chinese and English headers).
#[utoipa::path(tag = "hotels", responses((status = 200, content_type = "text/csv")))]
#[get("/hotels/{code}/rooming-list.csv")]
pub async fn rooming_list_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require(HOTEL_READERS)?;
    let (lang, tz) = (Lang::of_request(&req), state.settings.timezone);
    let (code, bytes) = state
        .db(move |conn| {
            let hotel = catalog::hotel_for(conn, &user, &code)?;
            let list = rooming::rooming_list(conn, &hotel, tz)?;
            Ok((hotel.code, rooming::rooming_csv(&list, lang)?))
        })
        .await?;
    Ok(crate::http::csv_download(
        bytes,
        format!("rooming-{code}.csv"),
    ))
}

/// A day at the desk.
#[derive(Deserialize, IntoParams)]
pub struct DeskQuery {
    /// The day (default today).
    pub date: Option<NaiveDate>,
}

fn today(state: &AppState) -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&state.settings.timezone)
        .date_naive()
}

/// The desk's day: arrivals, guests in house, departures.
#[utoipa::path(tag = "desk", params(DeskQuery), responses((status = 200, body = DeskDay)))]
#[get("/hotels/{code}/desk")]
pub async fn desk_day(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    query: web::Query<DeskQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(DESK)?;
    let (date, tz) = (
        query.date.unwrap_or_else(|| today(&state)),
        state.settings.timezone,
    );
    let day = state
        .db(move |conn| {
            let hotel = catalog::hotel_for(conn, &user, &code)?;
            desk::desk_day(conn, &hotel, date, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(day))
}

/// The settlement with a hotel as CSV: event-paid room nights, then self-paid nights per guest.
#[utoipa::path(tag = "desk", responses((status = 200, content_type = "text/csv")))]
#[get("/hotels/{code}/settlement.csv")]
pub async fn settlement_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    user.require(DESK)?;
    let lang = Lang::of_request(&req);
    let (code, bytes) = state
        .db(move |conn| {
            let hotel = catalog::hotel_for(conn, &user, &code)?;
            Ok((
                hotel.code.clone(),
                desk::settlement_csv(conn, &hotel, lang)?,
            ))
        })
        .await?;
    Ok(crate::http::csv_download(
        bytes,
        format!("settlement-{code}.csv"),
    ))
}

/// A guest's stay.
#[utoipa::path(tag = "desk", responses((status = 200, body = StayResponse), (status = 404)))]
#[get("/stays/{id}")]
pub async fn get_stay(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(DESK)?;
    let tz = state.settings.timezone;
    let stay = state
        .db(move |conn| desk::get_stay(conn, &user, *id, tz))
        .await?;
    Ok(HttpResponse::Ok().json(stay))
}

async fn change_stay(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: i64,
    body: web::Bytes,
    action: StayAction,
) -> Result<HttpResponse, AppError> {
    user.require(DESK)?;
    let req: StayRequest = if body.iter().all(u8::is_ascii_whitespace) {
        StayRequest::default()
    } else {
        parse_json(&body)?
    };
    let (today, tz) = (today(&state), state.settings.timezone);
    let stay = state
        .write(move |tx| desk::change_stay(tx, &user, id, action, &req, today, tz))
        .await?;
    Ok(HttpResponse::Ok().json(stay))
}

/// Checks a guest in with a room number (arriving before the booked night is self-paid).
#[utoipa::path(tag = "desk", request_body = StayRequest, responses((status = 200, body = StayResponse), (status = 409), (status = 422)))]
#[post("/stays/{id}/check-in")]
pub async fn check_in(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    change_stay(state, user, *id, body, StayAction::CheckIn).await
}

/// Checks a guest out today (leaving late bills the extra nights to the guest).
#[utoipa::path(tag = "desk", request_body = StayRequest, responses((status = 200, body = StayResponse), (status = 409)))]
#[post("/stays/{id}/check-out")]
pub async fn check_out(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    change_stay(state, user, *id, body, StayAction::CheckOut).await
}

/// Extends or shortens a stay; nights outside the entitlement become self-paid.
#[utoipa::path(tag = "desk", request_body = StayRequest, responses((status = 200, body = StayResponse), (status = 409), (status = 422)))]
#[post("/stays/{id}/dates")]
pub async fn change_dates(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    change_stay(state, user, *id, body, StayAction::ChangeDates).await
}

/// A guest's folio: event-paid and self-paid nights.
#[utoipa::path(tag = "desk", responses((status = 200, body = Folio), (status = 404)))]
#[get("/stays/{id}/folio")]
pub async fn get_folio(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    user.require(DESK)?;
    let folio = state.db(move |conn| desk::folio(conn, &user, *id)).await?;
    Ok(HttpResponse::Ok().json(folio))
}
