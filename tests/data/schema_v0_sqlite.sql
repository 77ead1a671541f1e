-- The SQLite schema (with a few rows) as commit c095976 made it: the database every earlier install has.
-- Produced by running that commit's Store, Inbox, ChannelState, desk, usage and phrasings; upgraded by tests/test_store_migrations.py.
BEGIN TRANSACTION;
CREATE TABLE "announcements" (
   "id" INTEGER PRIMARY KEY,
   "author" TEXT,
   "author_channel" TEXT,
   "author_chat" TEXT,
   "text" TEXT,
   "audience" TEXT,
   "status" TEXT,
   "step" TEXT,
   "created" REAL,
   "send_at" REAL,
   "started" REAL,
   "finished" REAL,
   "recipients" INTEGER,
   "sent" INTEGER,
   "failed" INTEGER,
   "blocked" INTEGER,
   "skipped" INTEGER,
   "progress_at" REAL
);
INSERT INTO "announcements" VALUES(1,'alice','shell','alice','通知','{"regions": [], "topics": []}','done',NULL,1.0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
CREATE TABLE "audit" (
   "id" INTEGER PRIMARY KEY,
   "ts" REAL,
   "actor" TEXT,
   "action" TEXT,
   "announcement_id" INTEGER,
   "detail" TEXT
);
INSERT INTO "audit" VALUES(1,1.79616661533058166507e+09,'alice','queued',1,'{"text": "通知"}');
CREATE TABLE "channel_inbox" (
   "channel" TEXT,
   "external_id" TEXT,
   "user_id" TEXT,
   "status" TEXT,
   "owner" TEXT,
   "ts" REAL,
   "done_at" REAL,
   PRIMARY KEY ("channel", "external_id")
);
CREATE TABLE "channel_kv" (
   "channel" TEXT,
   "key" TEXT,
   "user_id" TEXT,
   "value" TEXT,
   "expires" REAL,
   PRIMARY KEY ("channel", "key")
);
INSERT INTO "channel_kv" VALUES('wechat','token',NULL,'"abc"',1.79617021533093237876e+09);
CREATE TABLE check_events (id integer primary key, ts real not null, flow text not null, region text, event text not null, outcomes text);
INSERT INTO "check_events" VALUES(1,1.0,'loan','luding','started',NULL);
CREATE TABLE "deliveries" (
   "announcement_id" INTEGER,
   "user_id" TEXT,
   "channel" TEXT,
   "chat_id" TEXT,
   "status" TEXT,
   "attempts" INTEGER DEFAULT 0,
   "next_at" REAL DEFAULT 0,
   "claimed_by" TEXT,
   "claimed_at" REAL,
   "done_at" REAL,
   "error" TEXT,
   PRIMARY KEY ("announcement_id", "user_id")
);
INSERT INTO "deliveries" VALUES(1,'u1','telegram','u1','sent',1,0.0,NULL,NULL,NULL,NULL);
CREATE TABLE "delivery_parts" (
   "announcement_id" INTEGER,
   "user_id" TEXT,
   "part" INTEGER,
   "parts" INTEGER,
   "sent_at" REAL,
   PRIMARY KEY ("announcement_id", "user_id", "part")
);
CREATE TABLE desk_day_checks (day integer not null, region text not null, event text not null, outcome text not null, n integer not null, primary key (day, region, event, outcome)) without rowid;
CREATE TABLE desk_day_measures (day integer not null, measure text not null, n integer not null, primary key (day, measure)) without rowid;
CREATE TABLE desk_days (day integer primary key, answered integer not null default 0, low integer not null default 0, unanswered integer not null default 0);
CREATE TABLE desk_links (hash text primary key, staff text not null, created real not null, expires real not null, used real);
CREATE TABLE desk_rollup (name text primary key, last_id integer not null);
CREATE TABLE desk_sessions (hash text primary key, staff text not null, csrf text not null, created real not null, expires real not null);
CREATE TABLE inbox (channel text not null, external_id text not null, payload text, user_id text, status text not null default 'pending', received real, attempts integer default 0, claimed_by text, claimed_at real, done_at real, primary key (channel, external_id));
INSERT INTO "inbox" VALUES('telegram','7','{"update_id": 7}','u1','pending',1.79616661533072733878e+09,0,NULL,NULL,NULL);
CREATE TABLE phrasings (
  id integer primary key, key text not null unique, text text not null, measure text not null,
  added_by text, created real, updated real
);
INSERT INTO "phrasings" VALUES(1,'贷款多少','贷款多少','luzhou-22','alice',1.0,1.0);
CREATE TABLE question_reviews (key text primary key, status text not null, measure text, by text, ts real);
CREATE TABLE "questions" (
   "id" INTEGER PRIMARY KEY,
   "user_id" TEXT,
   "ts" REAL,
   "channel" TEXT,
   "text" TEXT,
   "intent" TEXT,
   "measures" TEXT,
   "confidence" REAL
);
INSERT INTO "questions" VALUES(1,'u1',1.79616661532997226712e+09,'telegram','创业贷款能贷好多','question','["luzhou-22"]',0.9);
CREATE TABLE "seen_updates" (
   "update_id" INTEGER PRIMARY KEY,
   "ts" REAL
);
INSERT INTO "seen_updates" VALUES(42,1.79616661533017921452e+09);
CREATE TABLE "staff" (
   "user_id" TEXT PRIMARY KEY,
   "added_by" TEXT,
   "added" REAL
, "superadmin" INTEGER);
INSERT INTO "staff" VALUES('alice','root',1.79616661533036518099e+09,NULL);
CREATE TABLE "subscriptions" (
   "user_id" TEXT PRIMARY KEY,
   "channel" TEXT,
   "chat_id" TEXT,
   "region" TEXT,
   "topics" TEXT,
   "created" REAL,
   "updated" REAL
);
INSERT INTO "subscriptions" VALUES('u1','telegram','u1','luding','["loan"]',1.79616661533025479316e+09,1.79616661533025479316e+09);
CREATE TABLE "users" (
   "id" TEXT PRIMARY KEY,
   "region" TEXT,
   "last_measure" TEXT,
   "dialog" TEXT,
   "profile" TEXT,
   "active" INTEGER DEFAULT 1,
   "created" REAL,
   "updated" REAL
, "pending" TEXT, "offered" REAL);
INSERT INTO "users" VALUES('u1','luding',NULL,'{"flow": "loan", "step": 1}','{"poor": true}',1,1.796166615329572916e+09,1.796166615329572916e+09,NULL,NULL);
CREATE INDEX "idx_questions_user_id"
    ON "questions" ("user_id");
CREATE INDEX "idx_questions_ts"
    ON "questions" ("ts");
CREATE INDEX "idx_announcements_status"
    ON "announcements" ("status");
CREATE INDEX "idx_deliveries_status_next_at"
    ON "deliveries" ("status", "next_at");
CREATE INDEX "idx_deliveries_user_id"
    ON "deliveries" ("user_id");
CREATE INDEX inbox_status on inbox (status, channel, received);
CREATE INDEX inbox_user on inbox (user_id);
CREATE INDEX "idx_channel_inbox_ts"
    ON "channel_inbox" ("ts");
CREATE INDEX "idx_channel_kv_user_id"
    ON "channel_kv" ("user_id");
CREATE INDEX questions_inbox on questions (ts) where confidence < 0.5 and intent in ('question', 'out_of_scope');
CREATE INDEX check_events_ts on check_events (ts);
CREATE INDEX desk_sessions_staff on desk_sessions (staff);
COMMIT;
