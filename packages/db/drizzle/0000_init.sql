CREATE TABLE "api_keys" (
	"client_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"display_prefix" text NOT NULL,
	"scopes" text[] NOT NULL,
	"ip_allowlist" text[] DEFAULT '{}' NOT NULL,
	"test" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"rotated_to_id" uuid,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_keys_client_id_id_pk" PRIMARY KEY("client_id","id")
);
--> statement-breakpoint
CREATE TABLE "broadcasts" (
	"client_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"campaign_name" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"scheduled_at" timestamp with time zone,
	"template_id" uuid,
	"keyword" text,
	"content" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"livemode" boolean DEFAULT true NOT NULL,
	"api_key_id" uuid,
	"recipient_count" integer NOT NULL,
	"chunk_size" integer NOT NULL,
	"reserved_sen" bigint DEFAULT 0 NOT NULL,
	"settled_sen" bigint DEFAULT 0 NOT NULL,
	"released_sen" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "broadcasts_client_id_id_pk" PRIMARY KEY("client_id","id"),
	CONSTRAINT "broadcasts_money_adds_up" CHECK ("broadcasts"."settled_sen" >= 0 AND "broadcasts"."released_sen" >= 0
        AND "broadcasts"."settled_sen" + "broadcasts"."released_sen" <= "broadcasts"."reserved_sen")
);
--> statement-breakpoint
CREATE TABLE "clients" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"billing" text NOT NULL,
	"channels" text[] DEFAULT '{sms}' NOT NULL,
	"credit_balance" bigint DEFAULT 0 NOT NULL,
	"credit_reserved" bigint DEFAULT 0 NOT NULL,
	"spending_cap" bigint,
	"cycle_accrued" bigint DEFAULT 0 NOT NULL,
	"cycle_start" date DEFAULT CURRENT_DATE NOT NULL,
	"sms_rate" integer DEFAULT 5 NOT NULL,
	"whatsapp_rate" integer DEFAULT 20 NOT NULL,
	"email_rate" integer DEFAULT 1 NOT NULL,
	"brand" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clients_id_pk" PRIMARY KEY("id"),
	CONSTRAINT "clients_balance_not_negative" CHECK ("clients"."credit_balance" >= 0),
	CONSTRAINT "clients_reserved_not_negative" CHECK ("clients"."credit_reserved" >= 0),
	CONSTRAINT "clients_accrued_not_negative" CHECK ("clients"."cycle_accrued" >= 0),
	CONSTRAINT "clients_postpaid_has_cap" CHECK ("clients"."billing" = 'prepaid' OR "clients"."spending_cap" IS NOT NULL),
	CONSTRAINT "clients_rates_not_negative" CHECK (least("clients"."sms_rate", "clients"."whatsapp_rate", "clients"."email_rate") >= 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"client_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"kind" text NOT NULL,
	"debit_account" text NOT NULL,
	"credit_account" text NOT NULL,
	"amount" bigint NOT NULL,
	"broadcast_id" uuid,
	"message_count" integer,
	"reason" text,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_client_id_id_pk" PRIMARY KEY("client_id","id"),
	CONSTRAINT "ledger_amount_positive" CHECK ("ledger_entries"."amount" > 0),
	CONSTRAINT "ledger_accounts_differ" CHECK ("ledger_entries"."debit_account" <> "ledger_entries"."credit_account")
);
--> statement-breakpoint
CREATE TABLE "inbound_callbacks" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"outcome" text,
	CONSTRAINT "inbound_callbacks_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "message_events" (
	"client_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"status" text NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"detail" jsonb,
	CONSTRAINT "message_events_client_id_message_id_status_pk" PRIMARY KEY("client_id","message_id","status")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"client_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"broadcast_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"content" text,
	"variables" jsonb,
	"segments" smallint DEFAULT 1 NOT NULL,
	"price" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"billing_state" text DEFAULT 'reserved' NOT NULL,
	"provider_message_id" text,
	"error_code" text,
	"error_message" text,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone,
	CONSTRAINT "messages_client_id_id_pk" PRIMARY KEY("client_id","id"),
	CONSTRAINT "messages_price_not_negative" CHECK ("messages"."price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial NOT NULL,
	"client_id" uuid,
	"actor_user_id" uuid,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_log_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "rate_limit_counters" (
	"client_id" uuid NOT NULL,
	"bucket" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_limit_counters_client_id_bucket_window_start_pk" PRIMARY KEY("client_id","bucket","window_start")
);
--> statement-breakpoint
CREATE TABLE "keywords" (
	"client_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"keyword" text NOT NULL,
	"status" text DEFAULT 'approved' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "keywords_client_id_id_pk" PRIMARY KEY("client_id","id")
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"client_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"name" text NOT NULL,
	"content" text DEFAULT '' NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "templates_client_id_id_pk" PRIMARY KEY("client_id","id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_id_pk" PRIMARY KEY("id"),
	CONSTRAINT "users_role_matches_client" CHECK (("users"."role" LIKE 'staff_%') = ("users"."client_id" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_id" ON "api_keys" USING btree ("id");--> statement-breakpoint
CREATE INDEX "api_keys_client" ON "api_keys" USING btree ("client_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "broadcasts_id" ON "broadcasts" USING btree ("id");--> statement-breakpoint
CREATE INDEX "broadcasts_client_created" ON "broadcasts" USING btree ("client_id","created_at");--> statement-breakpoint
CREATE INDEX "ledger_client_created" ON "ledger_entries" USING btree ("client_id","created_at");--> statement-breakpoint
CREATE INDEX "inbound_callbacks_unprocessed" ON "inbound_callbacks" USING btree ("available_at") WHERE "inbound_callbacks"."processed_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_broadcast_seq" ON "messages" USING btree ("broadcast_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_provider_id" ON "messages" USING btree ("channel","provider_message_id") WHERE "messages"."provider_message_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_client_created" ON "audit_log" USING btree ("client_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "keywords_keyword" ON "keywords" USING btree ("client_id","keyword");--> statement-breakpoint
CREATE UNIQUE INDEX "templates_name" ON "templates" USING btree ("client_id","channel","name");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email" ON "users" USING btree (lower("email"));