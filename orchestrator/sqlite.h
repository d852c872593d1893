// A thin RAII layer over the SQLite C API: one connection, prepared statements only.
// Every SQL text with a value in it is a prepared statement with bound parameters
// (never string concatenation), so no matrix value can reach SQL as code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "support/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bsb::sql {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& BindNull(int index);
  Statement& BindOptional(int index, const std::optional<double>& value);
  Statement& BindOptional(int index, const std::optional<int64_t>& value);

  // Advances one row. Returns true while a row is available, false when done.
  Result<bool> Step();
  // Makes the statement ready to bind and run again.
  Statement& Reset();
  // Runs to completion, ignoring rows.
  Status Run();

  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  bool ColumnIsNull(int column) const;
  std::optional<double> ColumnOptionalDouble(int column) const;
  std::optional<int64_t> ColumnOptionalInt(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (creating when missing) with WAL journaling, a busy timeout and foreign keys on.
  static Result<Database> Open(const std::string& path, int busy_timeout_ms = 10000);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Result<Statement> Prepare(std::string_view sql);
  // For fixed DDL/pragma text only (no values): may hold several statements.
  Status Exec(const char* sql);
  int64_t LastInsertRowId() const;
  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace bsb::sql
