// Plan presentation for `bsb-matrix plan`: a filter, a text table and JSON.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "matrix/plan.h"
#include "support/result.h"

namespace bsb::matrix {

// Keeps the cells matching "key=value,key=value,...": every key must match; a key given twice
// matches either value. Keys: id, model, scheme, target, status, or a free-axis name.
Result<Plan> FilterPlan(const Plan& plan, const std::string& only);

// {"matrix": NAME, "file": FILE, "cells": [{id, model, scheme, target, axes, status, reason,
//  settings: {warmup, runs, samples, threads, timeout_ms, retries}}], "summary": {cells, unsupported}}
nlohmann::json PlanToJson(const Plan& plan);

// The same document as PlanToJson, written straight to text (what `plan --json` prints): one
// line per cell, so 100,000 cells never become a DOM. Invalid UTF-8 (only possible in `file`)
// is written as U+FFFD.
std::string PlanToJsonText(const Plan& plan);

// Appends `text` as a JSON string literal, escaped the way nlohmann::json::dump() does.
void AppendJsonString(std::string& out, std::string_view text);

// One aligned row per cell (ID MODEL SCHEME TARGET AXES STATUS) and a summary line; reasons of
// unsupported cells follow the status.
std::string PlanToTable(const Plan& plan);

}  // namespace bsb::matrix
