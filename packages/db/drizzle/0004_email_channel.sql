CREATE TABLE "email_senders" (
	"client_id" uuid NOT NULL,
	"from_address" text NOT NULL,
	"display_name" text,
	"verified" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_senders_client_id_pk" PRIMARY KEY("client_id")
);
--> statement-breakpoint
CREATE TABLE "send_pacing_windows" (
	"account" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"used" integer NOT NULL,
	"last_grant" integer NOT NULL,
	CONSTRAINT "send_pacing_windows_account_window_start_pk" PRIMARY KEY("account","window_start")
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"client_id" uuid NOT NULL,
	"address" text NOT NULL,
	"reason" text NOT NULL,
	"message_id" uuid,
	"detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppressions_client_id_address_pk" PRIMARY KEY("client_id","address")
);
--> statement-breakpoint
CREATE INDEX "suppressions_client_created" ON "suppressions" USING btree ("client_id","created_at");