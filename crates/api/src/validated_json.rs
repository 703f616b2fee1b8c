//! `ValidatedJson<T>`: a JSON body that deserialised (unknown fields rejected by the types)
//! and passed its `validator` rules, with failures reported per field path:
//! `{"details": {"goals": ["…"], "timezone": ["…"]}}`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, ErrorCode};
use crate::schemas::values::NUL_REFUSED;

#[derive(Debug)]
pub struct ValidatedJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidatedJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json =
            req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        // Reading the body honours the payload limit (an overflow becomes a 413).
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(ErrorCode::UnsupportedMediaType)
                    .with_details(json!({ "expected": "application/json" }))
                    .into());
            }
            let bytes = body.await?;
            let value = parse::<T>(&bytes)?;
            value.validate().map_err(validation_error)?;
            Ok(Self(value))
        })
    }
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(ErrorCode::InvalidFieldValue).with_details(json!({ "body": [format!("malformed JSON: {e}")] }))
    })?;
    // Every body of this API is an object; serde would also read a struct from an array.
    if !value.is_object() {
        return Err(
            ApiError::new(ErrorCode::ValidationError).with_details(json!({ "body": ["must be a JSON object"] }))
        );
    }
    normalise(&mut value, "")?;
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            let field = if path == "." { "body".to_owned() } else { path };
            ApiError::new(ErrorCode::ValidationError).with_details(json!({ field: [inner.to_string()] }))
        } else {
            ApiError::new(ErrorCode::InvalidFieldValue)
                .with_details(json!({ "body": [format!("malformed JSON: {inner}")] }))
        }
    })
}

/// What JSON allows but the API does not take as written: a NUL character (no text column can
/// store one) is refused with its field path; a number with a zero fraction (`1.0`, an integer
/// to JSON Schema) becomes that integer, so integer fields accept it.
fn normalise(value: &mut Value, path: &str) -> Result<(), ApiError> {
    let field = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    let refused = |at: &str| {
        let at = if at.is_empty() { "body" } else { at };
        ApiError::new(ErrorCode::ValidationError).with_details(json!({ at: [NUL_REFUSED] }))
    };
    match value {
        Value::String(text) if text.contains('\0') => Err(refused(path)),
        Value::Number(number) => {
            if let Some(integral) = number.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                && !(number.is_i64() || number.is_u64())
            {
                #[allow(clippy::cast_possible_truncation)] // checked just above: integral and in range
                let integer = integral as i64;
                *value = Value::from(integer);
            }
            Ok(())
        }
        Value::Array(items) => {
            items.iter_mut().enumerate().try_for_each(|(i, item)| normalise(item, &format!("{path}[{i}]")))
        }
        Value::Object(fields) => {
            for (key, item) in fields.iter_mut() {
                if key.contains('\0') {
                    return Err(refused(&field(key)));
                }
                normalise(item, &field(key))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

pub(crate) fn validation_error(errors: ValidationErrors) -> ApiError {
    let mut details = Map::new();
    collect(&errors, "", &mut details);
    ApiError::new(ErrorCode::ValidationError).with_details(Value::Object(details))
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Map<String, Value>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(list) => {
                let messages = list
                    .iter()
                    .map(|e| Value::String(e.message.as_ref().map_or_else(|| e.code.to_string(), ToString::to_string)))
                    .collect();
                out.insert(path, Value::Array(messages));
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}
