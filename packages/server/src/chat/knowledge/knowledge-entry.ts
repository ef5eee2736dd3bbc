export interface KnowledgeEntry {
  readonly id: string;
  readonly title: string;
  readonly body: string;
}
