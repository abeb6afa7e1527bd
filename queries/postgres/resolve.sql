-- Precedence on the server: which observation of a key (unit_key, year,
-- quarter, metric, basis) is the fact. The same rule as SQLite's
-- observation_precedence (queries/facts.sql), with global keys for SQLite's
-- ids. In order of weight:
--   1. a file's own figure (figure year = the import's document_year) before
--      a later document's restatement of a prior year (document_year > year);
--   2. the part: part_precedence.rank, 9 for a part it does not list;
--   3. among restatements, the latest document_year (none counts as 0);
--   4. the latest import: imported_at, then the publisher's own import order
--      (imports.local_id: imported_at has whole seconds), then the hash —
--      locally a later import wins; across counties "later" is the clock;
--   5. the first observation in the file (lowest position).
-- The order is total and depends only on what is stored, so the result does
-- not depend on the order imports were published in, and running a
-- statement again changes nothing.
--
-- resolve, retract and resolve_all each spell the ORDER BY of this rule out:
-- a view or function holding it would rank every observation of the schema
-- (PostgreSQL pushes no key list into a window's view), so change all three
-- together (the publish tests compare the server's facts with the store's).
--
-- Each statement below is one round trip with bind parameters (extended
-- protocol): send them one by one, never as one string. A line
-- "-- statement: NAME" starts each; NAME is what the publisher looks up.
--
-- Publishing serializes on the schema (the caller holds an advisory lock for
-- the transaction): two publishes ranking one key at once would each miss
-- the other's uncommitted rows and both leave a winner.

-- statement: resolve
-- $1 = an import's sha256, after its import row and observations are inserted
-- in this transaction: ranks every key the import states, over all imports,
-- and writes only the rows whose flag changes (a first import of new keys
-- writes nothing).
WITH keys AS (
    SELECT DISTINCT unit_key, year, quarter, metric, basis
    FROM fiscal.observations
    WHERE import_sha256 = $1::text
), ranked AS (
    SELECT o.import_sha256, o.position, o.superseded,
           row_number() OVER (
               PARTITION BY o.unit_key, o.year, o.quarter, o.metric, o.basis
               ORDER BY (i.document_year > o.year) IS TRUE,
                        COALESCE(p.rank, 9),
                        COALESCE(i.document_year, 0) DESC,
                        i.imported_at DESC,
                        i.local_id DESC NULLS LAST,
                        i.sha256 DESC,
                        o.position) > 1 AS loses
    FROM keys k
    JOIN fiscal.observations o USING (unit_key, year, quarter, metric, basis)
    JOIN fiscal.imports i ON i.sha256 = o.import_sha256
    LEFT JOIN fiscal.part_precedence p ON p.part = o.part
)
UPDATE fiscal.observations o
SET superseded = r.loses
FROM ranked r
WHERE o.import_sha256 = r.import_sha256 AND o.position = r.position
  AND o.superseded <> r.loses;

-- statement: retract
-- $1 = an import's sha256: deletes the import (its observations, scoring
-- items and projects follow by ON DELETE CASCADE) and ranks again the keys
-- it stated, over the imports that remain, so a key it won is handed to the
-- next in precedence. The statement sees the table as before its DELETE, so
-- the ranking leaves the import's own rows out by hand.
WITH gone AS (
    DELETE FROM fiscal.imports WHERE sha256 = $1::text RETURNING sha256
), keys AS (
    SELECT DISTINCT unit_key, year, quarter, metric, basis
    FROM fiscal.observations
    WHERE import_sha256 = $1::text
), ranked AS (
    SELECT o.import_sha256, o.position, o.superseded,
           row_number() OVER (
               PARTITION BY o.unit_key, o.year, o.quarter, o.metric, o.basis
               ORDER BY (i.document_year > o.year) IS TRUE,
                        COALESCE(p.rank, 9),
                        COALESCE(i.document_year, 0) DESC,
                        i.imported_at DESC,
                        i.local_id DESC NULLS LAST,
                        i.sha256 DESC,
                        o.position) > 1 AS loses
    FROM keys k
    JOIN fiscal.observations o USING (unit_key, year, quarter, metric, basis)
    JOIN fiscal.imports i ON i.sha256 = o.import_sha256
    LEFT JOIN fiscal.part_precedence p ON p.part = o.part
    WHERE o.import_sha256 <> $1::text
)
UPDATE fiscal.observations o
SET superseded = r.loses
FROM ranked r
WHERE o.import_sha256 = r.import_sha256 AND o.position = r.position
  AND o.superseded <> r.loses;

-- statement: resolve_all
-- No parameters: ranks every key stated more than once (a repair, e.g. after
-- part_precedence changed). Minutes, not seconds, at province scale.
WITH ranked AS (
    SELECT o.import_sha256, o.position, o.superseded,
           row_number() OVER (
               PARTITION BY o.unit_key, o.year, o.quarter, o.metric, o.basis
               ORDER BY (i.document_year > o.year) IS TRUE,
                        COALESCE(p.rank, 9),
                        COALESCE(i.document_year, 0) DESC,
                        i.imported_at DESC,
                        i.local_id DESC NULLS LAST,
                        i.sha256 DESC,
                        o.position) > 1 AS loses
    FROM fiscal.observations o
    JOIN fiscal.imports i ON i.sha256 = o.import_sha256
    LEFT JOIN fiscal.part_precedence p ON p.part = o.part
)
UPDATE fiscal.observations o
SET superseded = r.loses
FROM ranked r
WHERE o.import_sha256 = r.import_sha256 AND o.position = r.position
  AND o.superseded <> r.loses;
