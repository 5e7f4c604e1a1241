import { ledgerKinds } from "@teekrr/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { setRates } from "../../domain/clients.ts";
import { creditSummary, listClientCredit } from "../../domain/credit-summary.ts";
import { cycleStatementCsv, dailySpend, listLedgerEntries } from "../../domain/ledger-history.ts";
import { setSpendingCap } from "../../domain/spending-cap.ts";
import { adjustByPerson, topUpByPerson } from "../../domain/staff-credit.ts";
import {
  financeProcedure,
  staffAdminProcedure,
  staffFinanceProcedure,
  staffProcedure,
} from "../procedures.ts";

const day = z.iso.date();
const sen = z.number().int().safe();

export const financeRouter = {
  summary: financeProcedure.query(async ({ ctx }) => {
    return await creditSummary(ctx.platform.database.db, ctx.clientId);
  }),

  dailySpend: financeProcedure
    .input(z.object({ days: z.number().int().min(1).max(366).default(30) }))
    .query(async ({ ctx, input }) => {
      return await dailySpend(ctx.platform.database.db, ctx.clientId, input.days);
    }),

  ledger: financeProcedure
    .input(
      z.object({
        kinds: z.array(z.enum(ledgerKinds)).optional(),
        from: day.optional(),
        to: day.optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        before: z.number().int().positive().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { clientId: _clientId, ...filter } = input;
      return await listLedgerEntries(ctx.platform.database.db, ctx.clientId, filter);
    }),

  statementCsv: financeProcedure
    .input(z.object({ cycleStart: day }))
    .query(async ({ ctx, input }) => {
      const csv = await cycleStatementCsv(ctx.platform.database.db, ctx.clientId, input.cycleStart);
      return { filename: `statement-${input.cycleStart}.csv`, csv };
    }),

  clients: staffProcedure.query(async ({ ctx }) => {
    return await listClientCredit(ctx.platform.database.db);
  }),

  topUp: staffFinanceProcedure
    .input(z.object({ amount: sen.positive(), reason: z.string().trim().max(500).optional() }))
    .mutation(async ({ ctx, input }) => {
      return await ctx.platform.database.transaction(({ tx }) =>
        topUpByPerson(tx, ctx.actor, ctx.clientId, input.amount, input.reason || undefined),
      );
    }),

  adjust: staffFinanceProcedure
    .input(z.object({ amount: sen, reason: z.string().trim().min(1).max(500) }))
    .mutation(async ({ ctx, input }) => {
      return await ctx.platform.database.transaction(({ tx }) =>
        adjustByPerson(tx, ctx.actor, ctx.clientId, input.amount, input.reason),
      );
    }),

  setCap: staffFinanceProcedure
    .input(z.object({ cap: sen.nonnegative() }))
    .mutation(async ({ ctx, input }) => {
      const client = await ctx.platform.database.transaction(({ tx }) =>
        setSpendingCap(tx, ctx.actor, ctx.clientId, input.cap),
      );
      return { spendingCap: client?.spendingCap ?? null };
    }),

  setRates: staffAdminProcedure
    .input(
      z.object({
        sms: sen.nonnegative().optional(),
        whatsapp: sen.nonnegative().optional(),
        email: sen.nonnegative().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { clientId: _clientId, ...rates } = input;
      const client = await ctx.platform.database.transaction(({ tx }) =>
        setRates(tx, ctx.actor, ctx.clientId, rates),
      );
      return { sms: client?.smsRate, whatsapp: client?.whatsappRate, email: client?.emailRate };
    }),
} satisfies TRPCRouterRecord;
