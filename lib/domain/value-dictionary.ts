/** The distinct values of one dimension, each with a dense id in first-seen order. */
export class ValueDictionary {
  private readonly ids = new Map<string, number>();
  private readonly list: string[] = [];

  static of(values: readonly string[]): ValueDictionary {
    const dictionary = new ValueDictionary();
    for (const value of values) dictionary.intern(value);
    return dictionary;
  }

  get size(): number {
    return this.list.length;
  }

  get values(): readonly string[] {
    return this.list;
  }

  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  idOf(value: string): number | undefined {
    return this.ids.get(value);
  }

  valueOf(id: number): string {
    const value = this.list[id];
    if (value === undefined) throw new RangeError(`no value with id ${id}`);
    return value;
  }
}
