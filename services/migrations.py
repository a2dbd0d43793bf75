"""The schema, as named migrations (sqlite-utils' Migrations): services.db.connect applies the ones a
database has not had yet, in one write transaction.

Never edit a migration that has been applied; add a new one.
"""

import sqlite3

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("linbang")


def execute_script(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one inside the current transaction.

    sqlite3's executescript() would COMMIT first and break the migration's transaction;
    complete_statement() keeps trigger bodies with inner semicolons whole.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.conn.execute(statement)
            statement = ""


SEED_CATEGORIES = [
    # slug, zh, en, icon, hazardous
    ("moving", "搬家", "Moving help", "📦", 0),
    ("parcel", "代取快递", "Parcel pick-up", "📮", 0),
    ("pets", "宠物照看", "Pet care", "🐾", 0),
    ("appliance", "家电维修", "Appliance repair", "🔌", 1),
    ("plumbing", "水电维修", "Plumbing & electrics", "🔧", 1),
    ("furniture", "家具组装", "Furniture assembly", "🪑", 0),
    ("cleaning", "保洁", "Cleaning", "🧹", 0),
    ("computer", "电脑维修", "Computer help", "💻", 0),
    ("care", "看护", "Child / elder care", "🧸", 0),
    ("errands", "跑腿", "Errands", "🏃", 0),
    ("other", "其他", "Other", "✳️", 0),
]


@migrations()
def m001_core(db: sqlite_utils.Database) -> None:
    execute_script(
        db,
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            email TEXT,
            phone TEXT,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('resident', 'organizer')),
            language TEXT NOT NULL,
            created_at TEXT NOT NULL,
            blocked_at TEXT,
            sessions_valid_after REAL NOT NULL DEFAULT 0
        );
        CREATE TABLE login_attempts (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL COLLATE NOCASE,
            client TEXT NOT NULL,
            at TEXT NOT NULL,
            ok INTEGER NOT NULL
        );
        CREATE INDEX login_attempts_username ON login_attempts (username, at);
        CREATE INDEX login_attempts_client ON login_attempts (client, at);
        CREATE TABLE categories (
            slug TEXT PRIMARY KEY,
            name_zh TEXT NOT NULL,
            name_en TEXT NOT NULL,
            icon TEXT NOT NULL,
            hazardous INTEGER NOT NULL DEFAULT 0,
            sort INTEGER NOT NULL
        );
        CREATE TABLE worker_profiles (
            user_id INTEGER PRIMARY KEY REFERENCES users(id),
            taking_jobs INTEGER NOT NULL DEFAULT 0,
            categories TEXT NOT NULL DEFAULT '[]',
            verification TEXT NOT NULL DEFAULT 'unverified'
                CHECK (verification IN ('unverified', 'pending', 'verified', 'rejected')),
            verified_by INTEGER REFERENCES users(id),
            verified_at TEXT,
            releases INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            poster_id INTEGER NOT NULL REFERENCES users(id),
            category TEXT NOT NULL REFERENCES categories(slug),
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT 'grab' CHECK (mode IN ('grab', 'booking')),
            status TEXT NOT NULL,
            price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
            price_type TEXT NOT NULL CHECK (price_type IN ('fixed', 'hourly')),
            est_minutes INTEGER,
            window_start TEXT NOT NULL,
            window_end TEXT NOT NULL,
            lat REAL NOT NULL,
            lon REAL NOT NULL,
            public_lat REAL NOT NULL,
            public_lon REAL NOT NULL,
            address_note TEXT NOT NULL DEFAULT '',
            worker_id INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX jobs_status ON jobs (status, created_at);
        CREATE INDEX jobs_poster ON jobs (poster_id);
        CREATE INDEX jobs_worker ON jobs (worker_id);
        CREATE TABLE job_events (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            actor_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            at TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX job_events_job ON job_events (job_id, id);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            author_id INTEGER NOT NULL REFERENCES users(id),
            subject_id INTEGER NOT NULL REFERENCES users(id),
            author_role TEXT NOT NULL CHECK (author_role IN ('poster', 'worker')),
            stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
            comment TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (job_id, author_id)
        );
        CREATE INDEX reviews_subject ON reviews (subject_id);
        """,
    )
    db.table("categories").insert_all(
        {"slug": s, "name_zh": zh, "name_en": en, "icon": icon, "hazardous": h, "sort": i}
        for i, (s, zh, en, icon, h) in enumerate(SEED_CATEGORIES)
    )


@migrations()
def m002_workers(db: sqlite_utils.Database) -> None:
    """Worker profiles, portfolio photos, ID checks, booking-mode applications (issue #3)."""
    execute_script(
        db,
        """
        ALTER TABLE worker_profiles ADD COLUMN bio TEXT NOT NULL DEFAULT '';
        ALTER TABLE worker_profiles ADD COLUMN service_radius_km REAL NOT NULL DEFAULT 3;
        ALTER TABLE worker_profiles ADD COLUMN rate_fen INTEGER;
        ALTER TABLE worker_profiles ADD COLUMN area_lat REAL;
        ALTER TABLE worker_profiles ADD COLUMN area_lon REAL;
        ALTER TABLE worker_profiles ADD COLUMN area_label TEXT NOT NULL DEFAULT '';
        ALTER TABLE worker_profiles ADD COLUMN availability TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE worker_profiles ADD COLUMN verification_reason TEXT NOT NULL DEFAULT '';
        CREATE TABLE worker_photos (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            file TEXT NOT NULL,
            caption TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX worker_photos_user ON worker_photos (user_id, id);
        CREATE TABLE id_checks (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            real_name TEXT NOT NULL,
            id_last4 TEXT NOT NULL,
            id_hash TEXT NOT NULL,
            front_file TEXT,
            back_file TEXT,
            selfie_file TEXT,
            submitted_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'rejected', 'revoked')),
            decided_by INTEGER REFERENCES users(id),
            decided_at TEXT,
            reason TEXT NOT NULL DEFAULT '',
            photos_deleted_at TEXT,
            revoked_by INTEGER REFERENCES users(id),
            revoked_at TEXT,
            revoke_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE UNIQUE INDEX id_checks_one_pending ON id_checks (user_id) WHERE status = 'pending';
        CREATE INDEX id_checks_hash ON id_checks (id_hash);
        CREATE TABLE applications (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            worker_id INTEGER NOT NULL REFERENCES users(id),
            kind TEXT NOT NULL CHECK (kind IN ('apply', 'invite')),
            quote_fen INTEGER CHECK (quote_fen >= 0),
            message TEXT NOT NULL DEFAULT '',
            proposed_time TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
            outcome TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            decided_at TEXT
        );
        CREATE UNIQUE INDEX applications_one_pending ON applications (job_id, worker_id) WHERE status = 'pending';
        CREATE INDEX applications_worker ON applications (worker_id, id);
        ALTER TABLE jobs ADD COLUMN agreed_fen INTEGER;
        ALTER TABLE job_events ADD COLUMN worker_id INTEGER REFERENCES users(id);
        UPDATE job_events SET worker_id = actor_id WHERE action IN ('claim', 'release');
        UPDATE jobs SET agreed_fen = price_fen WHERE worker_id IS NOT NULL;
        -- 'pending' used to mean "switched on, waiting for the organizer"; now it means an ID check waits
        UPDATE worker_profiles SET verification = 'unverified' WHERE verification = 'pending';
        CREATE INDEX job_events_worker ON job_events (worker_id, action);
        """,
    )


@migrations()
def m003_ledger(db: sqlite_utils.Database) -> None:
    """The credit ledger (issue #4): accounts, transfers and their append-only lines."""
    execute_script(
        db,
        """
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('wallet', 'escrow', 'commission', 'cash')),
            user_id INTEGER REFERENCES users(id),
            job_id INTEGER REFERENCES jobs(id),
            CHECK ((kind = 'wallet') = (user_id IS NOT NULL)),
            CHECK ((kind = 'escrow') = (job_id IS NOT NULL))
        );
        CREATE UNIQUE INDEX accounts_one_wallet ON accounts (user_id) WHERE kind = 'wallet';
        CREATE UNIQUE INDEX accounts_one_escrow ON accounts (job_id) WHERE kind = 'escrow';
        CREATE UNIQUE INDEX accounts_one_each ON accounts (kind) WHERE kind IN ('commission', 'cash');
        CREATE TABLE transfers (
            id INTEGER PRIMARY KEY,
            idempotency_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            job_id INTEGER REFERENCES jobs(id),
            actor_id INTEGER REFERENCES users(id),
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX transfers_created ON transfers (created_at);
        CREATE TABLE ledger_lines (
            id INTEGER PRIMARY KEY,
            transfer_id INTEGER NOT NULL REFERENCES transfers(id),
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            amount_fen INTEGER NOT NULL CHECK (amount_fen != 0)
        );
        CREATE INDEX ledger_lines_account ON ledger_lines (account_id, id);
        CREATE INDEX ledger_lines_transfer ON ledger_lines (transfer_id);
        CREATE TRIGGER ledger_lines_append_only_update BEFORE UPDATE ON ledger_lines
        BEGIN SELECT RAISE(ABORT, 'ledger lines are append-only: add a correcting transfer'); END;
        CREATE TRIGGER ledger_lines_append_only_delete BEFORE DELETE ON ledger_lines
        BEGIN SELECT RAISE(ABORT, 'ledger lines are append-only: add a correcting transfer'); END;
        CREATE TRIGGER transfers_append_only_update BEFORE UPDATE ON transfers
        BEGIN SELECT RAISE(ABORT, 'transfers are append-only: add a correcting transfer'); END;
        CREATE TRIGGER transfers_append_only_delete BEFORE DELETE ON transfers
        BEGIN SELECT RAISE(ABORT, 'transfers are append-only: add a correcting transfer'); END;
        """,
    )


@migrations()
def m004_job_money(db: sqlite_utils.Database) -> None:
    """Hours worked, materials and disputes (issue #4)."""
    execute_script(
        db,
        """
        -- hourly jobs: the hours the worker recorded at finish, and the poster's answer when they
        -- come to more than the estimate held ('approved' / 'declined'; NULL: none needed or waiting)
        ALTER TABLE jobs ADD COLUMN actual_minutes INTEGER CHECK (actual_minutes > 0);
        ALTER TABLE jobs ADD COLUMN extra_decision TEXT CHECK (extra_decision IN ('approved', 'declined'));
        -- what the person typed with an action (hours, tip, split, reason): a double click repeats it
        -- exactly, while the same action sent with other values is a new request
        ALTER TABLE job_events ADD COLUMN request TEXT;
        CREATE TABLE job_materials (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            worker_id INTEGER NOT NULL REFERENCES users(id),
            what TEXT NOT NULL,
            amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            receipt TEXT,  -- a private upload's file name
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
            request_key TEXT NOT NULL UNIQUE,  -- one filling-in of the form: a double click adds one line
            created_at TEXT NOT NULL,
            decided_at TEXT
        );
        CREATE INDEX job_materials_job ON job_materials (job_id, id);
        CREATE TABLE dispute_statements (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            author_id INTEGER NOT NULL REFERENCES users(id),
            body TEXT NOT NULL,
            request_key TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE INDEX dispute_statements_job ON dispute_statements (job_id, id);
        """,
    )


@migrations()
def m005_request_keys(db: sqlite_utils.Database) -> None:
    """One filling-in of the post form posts one job, and of the photo form adds one photo, however
    often it is sent (issue #11)."""
    execute_script(
        db,
        """
        ALTER TABLE jobs ADD COLUMN request_key TEXT;
        CREATE UNIQUE INDEX jobs_request_key ON jobs (request_key) WHERE request_key IS NOT NULL;
        ALTER TABLE worker_photos ADD COLUMN request_key TEXT;
        CREATE UNIQUE INDEX worker_photos_request_key ON worker_photos (request_key) WHERE request_key IS NOT NULL;
        """,
    )


@migrations()
def m006_talk(db: sqlite_utils.Database) -> None:
    """Conversations, public questions, shared phones, notifications, nearby-job alerts and the
    e-mail outbox (issue #14)."""
    execute_script(
        db,
        """
        -- one per person per cause (source: 'event:12', 'message:40', ...): a double click tells once
        CREATE TABLE notifications (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            kind TEXT NOT NULL,  -- a catalog key under notice.
            job_id INTEGER REFERENCES jobs(id),
            params TEXT NOT NULL DEFAULT '{}',  -- JSON: what the sentence names (a title, a name, an amount)
            source TEXT NOT NULL,
            created_at TEXT NOT NULL,
            read_at TEXT,
            UNIQUE (user_id, source)
        );
        CREATE INDEX notifications_user ON notifications (user_id, id);
        -- the badge counts only unread rows: its cost follows a person's unread count, not the table
        CREATE INDEX notifications_unread ON notifications (user_id, job_id) WHERE read_at IS NULL;
        -- one conversation per job and pair: the poster and one worker (assigned, applicant or invitee)
        CREATE TABLE threads (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            worker_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            UNIQUE (job_id, worker_id)
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            author_id INTEGER REFERENCES users(id),  -- NULL: the board's own line ("the organizer joined")
            -- 'applied' / 'invited': the application or invitation that opened the thread, its message as body
            kind TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'photo', 'joined', 'applied', 'invited')),
            body TEXT NOT NULL DEFAULT '',
            photo TEXT,  -- a private upload's file name
            quote_fen INTEGER,  -- an application's quote ('applied'), in the job's price type
            flagged INTEGER NOT NULL DEFAULT 0,  -- asks for a deposit, a transfer off the board, ... (services.fraud)
            request_key TEXT UNIQUE,  -- one sending: a double click posts one message
            created_at TEXT NOT NULL
        );
        CREATE INDEX messages_thread ON messages (thread_id, id);
        CREATE INDEX messages_flagged ON messages (flagged) WHERE flagged = 1;
        -- read receipts: the newest message each member has seen
        CREATE TABLE thread_reads (
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            last_read_id INTEGER NOT NULL,
            PRIMARY KEY (thread_id, user_id)
        );
        -- public questions on open jobs, and the poster's answers
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            author_id INTEGER NOT NULL REFERENCES users(id),
            body TEXT NOT NULL,
            answer TEXT,
            answered_at TEXT,
            flagged INTEGER NOT NULL DEFAULT 0,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE INDEX questions_job ON questions (job_id, id);
        -- "share my phone for this job": one side's phone, shown to the other side of this pair only
        CREATE TABLE contact_shares (
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            worker_id INTEGER NOT NULL REFERENCES users(id),  -- the pair it was shared in
            shared_at TEXT NOT NULL,
            PRIMARY KEY (job_id, user_id, worker_id)
        );
        ALTER TABLE jobs ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX jobs_flagged ON jobs (flagged) WHERE flagged = 1;
        -- nearby-job alerts (on unless switched off) and which kinds of notice also go by e-mail
        ALTER TABLE users ADD COLUMN job_alerts INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE users ADD COLUMN email_kinds TEXT NOT NULL DEFAULT '[]';
        -- e-mail waiting to leave the machine: written with its notification, sent afterwards
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            notification_id INTEGER NOT NULL UNIQUE REFERENCES notifications(id),
            to_address TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT NOT NULL DEFAULT '',
            last_attempt_at TEXT,  -- when the server was last tried: what the organizer reads beside an error
            sent_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
        """,
    )


@migrations()
def m007_accounts(db: sqlite_utils.Database) -> None:
    """Account care (#15): usernames in any script, a picture of oneself, password reset codes."""
    execute_script(
        db,
        """
        -- what must be unique about a username: its NFKC case-folded form (services.users.username_key).
        -- COLLATE NOCASE folds ASCII only; every name so far is ASCII, for which lower() is that form.
        ALTER TABLE users ADD COLUMN username_key TEXT;
        UPDATE users SET username_key = lower(username);
        CREATE UNIQUE INDEX users_username_key ON users (username_key);
        ALTER TABLE users ADD COLUMN avatar TEXT;  -- a public upload's file name (services.uploads)
        -- the one live reset code or e-mailed link of a person: a new one replaces it, using it deletes it
        CREATE TABLE password_resets (
            user_id INTEGER PRIMARY KEY REFERENCES users(id),
            secret_hash TEXT NOT NULL,  -- sha256 of the code or the link's token, never the secret itself
            salt TEXT,  -- a link's only: its token is HMAC(reset.key beside the database, salt)
            issued_by INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        """,
    )


@migrations()
def m008_search(db: sqlite_utils.Database) -> None:
    """The browse page's search (issue #15): a full-text index of the jobs' titles and descriptions.

    The trigram tokenizer indexes every run of three characters, so a word is found inside any text
    whatever its script: Chinese has no spaces between words for a word tokenizer to split at. The
    table holds only the index (external content: the text stays in jobs, read from there), kept in
    step with jobs by the triggers below and built here for the jobs already posted."""
    execute_script(
        db,
        """
        CREATE VIRTUAL TABLE jobs_search USING fts5(
            title, description, content='jobs', content_rowid='id', tokenize='trigram'
        );
        CREATE TRIGGER jobs_search_insert AFTER INSERT ON jobs BEGIN
            INSERT INTO jobs_search (rowid, title, description) VALUES (new.id, new.title, new.description);
        END;
        -- an external-content index forgets a row by being told the text it indexed
        CREATE TRIGGER jobs_search_delete AFTER DELETE ON jobs BEGIN
            INSERT INTO jobs_search (jobs_search, rowid, title, description)
                VALUES ('delete', old.id, old.title, old.description);
        END;
        CREATE TRIGGER jobs_search_update AFTER UPDATE OF title, description ON jobs BEGIN
            INSERT INTO jobs_search (jobs_search, rowid, title, description)
                VALUES ('delete', old.id, old.title, old.description);
            INSERT INTO jobs_search (rowid, title, description) VALUES (new.id, new.title, new.description);
        END;
        INSERT INTO jobs_search (jobs_search) VALUES ('rebuild');
        """,
    )


@migrations()
def m009_favourites(db: sqlite_utils.Database) -> None:
    """A resident's favourite helpers, shown first (or alone) in their helper directory."""
    execute_script(
        db,
        """
        CREATE TABLE favourites (
            user_id INTEGER NOT NULL REFERENCES users(id),
            helper_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            UNIQUE (user_id, helper_id)  -- also the index a person's list is read by
        );
        """,
    )


@migrations()
def m010_larger_text(db: sqlite_utils.Database) -> None:
    # the person's "larger text" choice (长辈模式, #15 item 13): bigger type and tap targets on every page
    execute_script(db, "ALTER TABLE users ADD COLUMN larger_text INTEGER NOT NULL DEFAULT 0;")


@migrations()
def m011_reports(db: sqlite_utils.Database) -> None:
    """Reports (#16): a person reports a job, a user, a review, a message or a question to the
    organizer, one row per person and item (a second report changes the reason); the organizer's answer
    is written on the rows it handled (who, what, when). An item the organizer hides keeps its text, and
    `hidden_at` says it is shown to nobody but organizers."""
    execute_script(
        db,
        """
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            reporter_id INTEGER NOT NULL REFERENCES users(id),
            kind TEXT NOT NULL CHECK (kind IN ('job', 'user', 'review', 'message', 'question')),
            item_id INTEGER NOT NULL,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismiss', 'hide', 'warn', 'block')),
            handled_by INTEGER REFERENCES users(id),
            handled_at TEXT,
            note TEXT NOT NULL DEFAULT '',  -- the organizer's words (a warning's text)
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (reporter_id, kind, item_id)
        );
        -- the organizer's queue reads only the open ones
        CREATE INDEX reports_open ON reports (kind, item_id) WHERE status = 'open';
        ALTER TABLE jobs ADD COLUMN hidden_at TEXT;
        ALTER TABLE reviews ADD COLUMN hidden_at TEXT;
        ALTER TABLE messages ADD COLUMN hidden_at TEXT;
        ALTER TABLE questions ADD COLUMN hidden_at TEXT;
        """,
    )


@migrations()
def m012_reviews_safety(db: sqlite_utils.Database) -> None:
    """Reviews round two and safety (#16 items 2, 3).

    A review is double-blind: hidden until both sides rated the job or `blind_until` (14 days after
    the job ended) has passed; services.reviews.REVEAL works the moment out in SQL from these stored
    times, so nothing runs on a timer. Reviews written before this migration were shown at once: their
    blind_until is when they were written. The reviewed person's one public reply sits beside it.
    A job's handover code (取件码) is four digits the worker types to finish it; each wrong try is a row,
    counted for the wait after a few (services.safety)."""
    execute_script(
        db,
        """
        ALTER TABLE reviews ADD COLUMN blind_until TEXT;
        UPDATE reviews SET blind_until = created_at;
        ALTER TABLE reviews ADD COLUMN reply TEXT;
        ALTER TABLE reviews ADD COLUMN replied_at TEXT;
        CREATE INDEX reviews_job ON reviews (job_id);
        ALTER TABLE jobs ADD COLUMN handover_code TEXT CHECK (length(handover_code) = 4);
        CREATE TABLE handover_misses (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES jobs(id),
            at TEXT NOT NULL
        );
        CREATE INDEX handover_misses_job ON handover_misses (job_id, at);
        """,
    )


@migrations()
def m013_figures(db: sqlite_utils.Database) -> None:
    """The organizer's console (#16 item 4): its figures read jobs, job events and transfers by time,
    and count flagged questions, through indexes instead of reading every row."""
    execute_script(
        db,
        """
        CREATE INDEX jobs_created ON jobs (created_at);
        CREATE INDEX job_events_at ON job_events (at);
        CREATE INDEX questions_flagged ON questions (flagged) WHERE flagged = 1;
        """,
    )


@migrations()
def m014_audit(db: sqlite_utils.Database) -> None:
    """The organizers' audit log, append-only as the ledger is, and the notice shown at the top of
    every page (#16 items 6, 7)."""
    execute_script(
        db,
        """
        -- one organizer action (services.audit.KINDS): who, what, on whom or which job, when, before -> after
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            actor_id INTEGER REFERENCES users(id),
            kind TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            job_id INTEGER REFERENCES jobs(id),
            before TEXT NOT NULL DEFAULT '{}',  -- JSON: what the action changed, as it was
            after TEXT NOT NULL DEFAULT '{}',  -- ... and as it became
            at TEXT NOT NULL
        );
        CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        -- an organizer's notice to everyone, shown until ends_at (or until an organizer ends it early)
        CREATE TABLE announcements (
            id INTEGER PRIMARY KEY,
            body TEXT NOT NULL,
            author_id INTEGER NOT NULL REFERENCES users(id),
            request_key TEXT UNIQUE,  -- one filling-in of the form posts one notice (NULL: no form)
            created_at TEXT NOT NULL,
            ends_at TEXT NOT NULL
        );
        CREATE INDEX announcements_ends ON announcements (ends_at);
        """,
    )
