//! Counts requests and their latency by route template (never the raw path, which would
//! explode label cardinality: unmatched paths share one label).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::state::AppState;

pub async fn metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await;
    };
    let method = method_label(req.method());
    let started = Instant::now();
    state.metrics.http_in_flight.inc();
    let result = next.call(req).await;
    state.metrics.http_in_flight.dec();
    let (route, status) = match &result {
        Ok(res) => (res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned()), res.status()),
        // A failure rendered without its request (see `error_contract`): the route is lost.
        Err(e) => ("unknown".to_owned(), e.as_response_error().status_code()),
    };
    let status = status.as_u16().to_string();
    state.metrics.http_requests.with_label_values(&[route.as_str(), method, status.as_str()]).inc();
    state.metrics.http_duration.with_label_values(&[route.as_str(), method]).observe(started.elapsed().as_secs_f64());
    result
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}
