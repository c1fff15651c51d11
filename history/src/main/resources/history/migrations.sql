--liquibase formatted sql

--changeset imagine:1-users
CREATE TABLE users (
    name              text PRIMARY KEY,
    plan              text   NOT NULL,
    plan_detail       jsonb  NOT NULL,
    month             text,
    fast_millis_used  bigint NOT NULL DEFAULT 0,
    created_at_millis bigint NOT NULL,
    updated_at_millis bigint NOT NULL
);
CREATE TABLE api_keys (
    sha256            text PRIMARY KEY,
    key_id            text   NOT NULL,
    user_name         text   NOT NULL REFERENCES users (name),
    created_at_millis bigint NOT NULL
);
CREATE INDEX api_keys_user ON api_keys (user_name);
--rollback DROP TABLE api_keys; DROP TABLE users;

--changeset imagine:2-jobs
CREATE TABLE jobs (
    id                  text PRIMARY KEY,
    user_name           text             NOT NULL,
    state               text             NOT NULL,
    prompt              text             NOT NULL,
    negative_prompt     text,
    model_version       text             NOT NULL,
    aspect_width        int              NOT NULL,
    aspect_height       int              NOT NULL,
    seed                bigint           NOT NULL,
    quality             double precision NOT NULL,
    stylize             int              NOT NULL,
    chaos               int              NOT NULL,
    lane                text             NOT NULL,
    plan                text,
    attempts            int              NOT NULL,
    slot                text,
    worker              text,
    image_sha256        text,
    image_width         int,
    image_height        int,
    error               text,
    note                text,
    parent_id           text,
    action              text,
    submitted_at_millis bigint           NOT NULL,
    queued_at_millis    bigint,
    dispatched_at_millis bigint,
    started_at_millis   bigint,
    completed_at_millis bigint,
    gpu_millis          bigint           NOT NULL DEFAULT 0,
    charged_millis      bigint           NOT NULL DEFAULT 0,
    archived_at_millis  bigint,
    record              jsonb            NOT NULL,
    prompt_words        tsvector GENERATED ALWAYS AS (to_tsvector('simple', prompt)) STORED
);
-- A user's history, newest first, paged by (submitted_at_millis, id): the page query walks this index.
CREATE INDEX jobs_user_newest ON jobs (user_name, submitted_at_millis DESC, id DESC);
CREATE INDEX jobs_user_state_newest ON jobs (user_name, state, submitted_at_millis DESC, id DESC);
CREATE INDEX jobs_prompt_words ON jobs USING gin (prompt_words);
CREATE INDEX jobs_image ON jobs (image_sha256) WHERE image_sha256 IS NOT NULL;
CREATE INDEX jobs_parent ON jobs (parent_id) WHERE parent_id IS NOT NULL;
--rollback DROP TABLE jobs;

--changeset imagine:3-usage-ledger
-- One row per completed job: the GPU time it took and the Fast time it cost. The key makes a charge happen once.
CREATE TABLE usage_ledger (
    job_id             text PRIMARY KEY REFERENCES jobs (id),
    user_name          text   NOT NULL,
    lane               text   NOT NULL,
    gpu_millis         bigint NOT NULL,
    charged_millis     bigint NOT NULL,
    charged_at_millis  bigint NOT NULL
);
CREATE INDEX usage_ledger_user_time ON usage_ledger (user_name, charged_at_millis);
--rollback DROP TABLE usage_ledger;
