import { Inject, Injectable } from '@nestjs/common';
import { ModelUsageData, priceModelUsage, PriceTableLookup, SessionCommand } from '@ledger/domain';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';
import { PRICE_TABLE } from '../pricing/genai-price-table';
import { REDACTOR, RedactorPort } from './redactor.port';

export interface PreparedCommand {
  command: SessionCommand;
  /** Credential rules found, by the id of the event they were redacted from. */
  redactions: Map<string, string[]>;
}

type Fields = Record<string, unknown>;

/** The client-written fields of each command: everything here is scanned for credentials. */
function redactableFields(command: SessionCommand): string[] {
  switch (command.type) {
    case 'StartSession':
      return ['title', 'tags', 'source', 'initiative', 'subagent', 'environment', 'metadata'];
    case 'UpdateSession':
      return ['title', 'tags', 'metadata'];
    case 'StartRun':
      return ['input', 'agentName'];
    case 'AppendRunEvents':
      return [];
    case 'FinishRun':
      return ['output', 'error'];
    case 'ResolveCheckpoint':
      return ['comment'];
    case 'EndSession':
      return ['reason'];
    case 'TimeOutSession':
      return [];
    default: {
      const _never: never = command;
      return _never;
    }
  }
}

/**
 * Makes a command ready to decide: credentials redacted from everything the client wrote (in
 * one scan per command), and the cost of model usage fixed (reported, LEDGER_MODEL_PRICES, the
 * maintained table as of the event's own instant, or unpriced) so that replays agree whatever
 * the tables say later. GraphQL and OTLP ingestion both come through here.
 */
@Injectable()
export class CommandPreparation {
  constructor(
    @Inject(REDACTOR) private readonly redactor: RedactorPort,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PRICE_TABLE) private readonly priceTable: PriceTableLookup | null,
  ) {}

  /** A payload the scan cannot read is a RedactionError, BAD_USER_INPUT by its code. */
  async prepare(command: SessionCommand): Promise<PreparedCommand> {
    const redactions = new Map<string, string[]>();
    if (command.type === 'AppendRunEvents') {
      const results = await this.redactor.redactBatch(command.events.map((event) => event.data));
      const events = command.events.map((event, index) => {
        const { value, rules } = results[index]!;
        if (rules.length > 0) redactions.set(event.id, rules);
        const data = value as typeof event.data;
        if (event.type !== 'MODEL_USAGE' || !isPriceable(data)) return { ...event, data };
        return { ...event, data, pricing: priceModelUsage(data, this.config.modelPrices, this.priceTable, event.at) };
      });
      return { command: { ...command, events }, redactions };
    }
    if (command.type === 'TimeOutSession') return { command, redactions };
    const names = redactableFields(command).filter((name) => (command as unknown as Fields)[name] != null);
    if (names.length === 0) return { command, redactions };
    const results = await this.redactor.redactBatch(names.map((name) => (command as unknown as Fields)[name]));
    const redacted: Fields = { ...(command as unknown as Fields) };
    const rules = new Set<string>();
    names.forEach((name, index) => {
      redacted[name] = results[index]!.value;
      results[index]!.rules.forEach((rule) => rules.add(rule));
    });
    if (rules.size > 0) redactions.set(command.eventId, [...rules].sort());
    return { command: redacted as unknown as SessionCommand, redactions };
  }
}

function isPriceable(data: unknown): data is ModelUsageData {
  const d = data as Partial<ModelUsageData>;
  return typeof d.model === 'string' && typeof d.inputTokens === 'number' && typeof d.outputTokens === 'number';
}
