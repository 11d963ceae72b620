/**
 * `asyncio-ts pstree PID`: the await tree of another process, as `python -m asyncio pstree PID`
 * prints it: each task that no task awaits is a root, and under a task come the tasks it
 * awaits; a task awaiting something other than a task shows that as its last line.
 */
import type { Snapshot, TaskRecord } from "../debug/snapshot.js";

/** The await graph has a cycle: a tree cannot be printed. */
export class AwaitCycleError extends Error {
  override name = "AwaitCycleError";
  /** Each cycle as task names, the first repeated at the end. */
  readonly cycles: string[][];

  constructor(cycles: string[][]) {
    super("the await graph contains cycles: cannot print a tree");
    this.cycles = cycles;
  }
}

interface Node {
  readonly task: TaskRecord;
  /** Tasks this one awaits. */
  readonly children: TaskRecord[];
}

function graph(tasks: readonly TaskRecord[]): Map<number, Node> {
  const nodes = new Map<number, Node>();
  for (const task of tasks) nodes.set(task.id, { task, children: [] });
  for (const task of tasks) {
    for (const awaiter of task.awaitedBy) nodes.get(awaiter)?.children.push(task);
  }
  return nodes;
}

function findCycles(nodes: Map<number, Node>): string[][] {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const color = new Map<number, number>();
  const path: TaskRecord[] = [];
  const cycles: string[][] = [];
  const visit = (node: Node): void => {
    color.set(node.task.id, GREY);
    path.push(node.task);
    for (const child of node.children) {
      const seen = color.get(child.id) ?? WHITE;
      if (seen === WHITE) {
        visit(nodes.get(child.id) as Node);
      } else if (seen === GREY) {
        const start = path.findIndex((task) => task.id === child.id);
        cycles.push([...path.slice(start), child].map((task) => task.name));
      }
    }
    color.set(node.task.id, BLACK);
    path.pop();
  };
  for (const node of nodes.values()) {
    if ((color.get(node.task.id) ?? WHITE) === WHITE) visit(node);
  }
  return cycles;
}

/** The tree, one string per root (a loop's roots in task order). Throws AwaitCycleError. */
export function awaitTrees(snapshot: Snapshot): string[] {
  const trees: string[] = [];
  for (const loop of snapshot.loops) {
    const nodes = graph(loop.tasks);
    const cycles = findCycles(nodes);
    if (cycles.length > 0) throw new AwaitCycleError(cycles);
    const render = (node: Node, prefix: string, last: boolean, out: string[]): void => {
      out.push(`${prefix}${last ? "└── " : "├── "}(T) ${node.task.name}`);
      const inner = prefix + (last ? "    " : "│   ");
      const awaits = node.task.awaits;
      const lines: (Node | string)[] = [
        ...node.children.map((child) => nodes.get(child.id) as Node),
      ];
      if (node.children.length === 0 && awaits !== null && awaits.kind === "future") {
        lines.push(awaits.description);
      }
      lines.forEach((item, index) => {
        const isLast = index === lines.length - 1;
        if (typeof item === "string") out.push(`${inner}${isLast ? "└── " : "├── "}${item}`);
        else render(item, inner, isLast, out);
      });
    };
    for (const node of nodes.values()) {
      if (node.task.awaitedBy.some((id) => nodes.has(id))) continue;
      const out: string[] = [];
      render(node, "", true, out);
      trees.push(out.join("\n"));
    }
  }
  return trees;
}

/** The trees as text, or the cycle report. */
export function formatAwaitTrees(snapshot: Snapshot): string {
  return awaitTrees(snapshot).join("\n");
}
