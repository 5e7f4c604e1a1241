CREATE TABLE "media_files" (
	"client_id" uuid NOT NULL,
	"id" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_files_client_id_id_pk" PRIMARY KEY("client_id","id")
);
--> statement-breakpoint
CREATE TABLE "whatsapp_configs" (
	"client_id" uuid NOT NULL,
	"phone_number_id" text,
	"access_token_encrypted" text,
	"app_secret_encrypted" text,
	"verify_token" text,
	"use_platform_default" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatsapp_configs_client_id_pk" PRIMARY KEY("client_id"),
	CONSTRAINT "whatsapp_configs_number_has_token" CHECK ("whatsapp_configs"."phone_number_id" IS NULL OR "whatsapp_configs"."access_token_encrypted" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "whatsapp_send_pacing" (
	"phone_number_id" text NOT NULL,
	"second" bigint NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"granted" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "whatsapp_send_pacing_phone_number_id_second_pk" PRIMARY KEY("phone_number_id","second")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "media_files_id" ON "media_files" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_configs_phone_number" ON "whatsapp_configs" USING btree ("phone_number_id");--> statement-breakpoint
CREATE INDEX "whatsapp_configs_verify_token" ON "whatsapp_configs" USING btree ("verify_token");