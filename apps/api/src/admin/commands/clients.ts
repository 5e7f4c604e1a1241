import { clients } from "@teekrr/db";
import { type Channel, channels } from "@teekrr/shared";
import { eq } from "drizzle-orm";
import { cliActor } from "../../domain/audit.ts";
import { createClient, setRates } from "../../domain/clients.ts";
import { topUpCredit } from "../../domain/ledger.ts";
import { verifyLedger } from "../../domain/ledger-verify.ts";
import {
  type AdminCommand,
  listFlag,
  optionalFlag,
  requireFlag,
  senFlag,
  UsageError,
  uuidFlag,
} from "../command.ts";

export const clientCreate: AdminCommand = {
  name: "client:create",
  usage: "--name N --billing prepaid|postpaid [--cap SEN] [--channels sms,whatsapp,email]",
  run: async ({ db, flags }) => {
    const billing = requireFlag(flags, "billing");
    if (billing !== "prepaid" && billing !== "postpaid") {
      throw new UsageError("--billing must be prepaid or postpaid");
    }
    const chosen = listFlag(flags, "channels") ?? ["sms"];
    const unknown = chosen.filter((channel) => !channels.includes(channel as Channel));
    if (unknown.length > 0) throw new UsageError(`unknown channel: ${unknown.join(", ")}`);
    const client = await createClient(db, cliActor, {
      name: requireFlag(flags, "name"),
      billing,
      spendingCap: senFlag(flags, "cap") ?? null,
      channels: chosen as Channel[],
    });
    return {
      id: client.id,
      name: client.name,
      billing: client.billing,
      cap: client.spendingCap,
      channels: client.channels,
    };
  },
};

export const creditTopup: AdminCommand = {
  name: "credit:topup",
  usage: "--client ID --amount SEN [--reason TEXT]",
  run: async ({ db, flags }) => {
    const clientId = uuidFlag(flags, "client");
    const amount = senFlag(flags, "amount", true);
    const { balance } = await topUpCredit(
      db,
      clientId,
      amount,
      cliActor.name,
      optionalFlag(flags, "reason"),
    );
    return { clientId, amount, balance };
  },
};

export const ratesSet: AdminCommand = {
  name: "rates:set",
  usage: "--client ID [--sms SEN] [--whatsapp SEN] [--email SEN]",
  run: async ({ db, flags }) => {
    const clientId = uuidFlag(flags, "client");
    const rates = {
      sms: senFlag(flags, "sms"),
      whatsapp: senFlag(flags, "whatsapp"),
      email: senFlag(flags, "email"),
    };
    if (Object.values(rates).every((rate) => rate === undefined)) {
      throw new UsageError("give at least one of --sms, --whatsapp, --email");
    }
    const client = await setRates(db, cliActor, clientId, rates);
    return {
      clientId,
      sms: client?.smsRate,
      whatsapp: client?.whatsappRate,
      email: client?.emailRate,
    };
  },
};

export const ledgerVerify: AdminCommand = {
  name: "ledger:verify",
  usage: "[--client ID]",
  run: async ({ db, flags }) => {
    const clientId = flags.client === undefined ? undefined : uuidFlag(flags, "client");
    // An unknown id would match no rows and so report the books as balanced.
    if (clientId) {
      const [client] = await db
        .select({ id: clients.id })
        .from(clients)
        .where(eq(clients.id, clientId));
      if (!client) throw new UsageError(`no client with id ${clientId}`);
    }
    const mismatches = await verifyLedger(db, clientId);
    return { ok: mismatches.length === 0, mismatches };
  },
};
