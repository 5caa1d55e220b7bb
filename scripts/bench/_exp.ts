import * as Y from 'yjs';
import { editingHistory } from '/work/main/scripts/bench/edits.ts';
const N = Number(process.argv[2] ?? 10000);
let t = performance.now();
const ups = editingHistory(N);
console.log('gen', N, (performance.now()-t).toFixed(0),'ms avg bytes', (ups.reduce((a,u)=>a+u.length,0)/N).toFixed(1));
for (let rep=0; rep<3; rep++){
t = performance.now();
const doc = new Y.Doc();
doc.transact(()=>{ for (const u of ups) Y.applyUpdate(doc,u); });
const tApply = performance.now()-t;
t = performance.now();
const snap = Y.encodeStateAsUpdate(doc);
const tEnc = performance.now()-t;
t = performance.now();
const d2 = new Y.Doc(); Y.applyUpdate(d2, snap);
const tSnap = performance.now()-t;
t = performance.now();
const s2 = Y.encodeStateAsUpdate(d2);
const tEnc2 = performance.now()-t;
t = performance.now();
const m = Y.mergeUpdates(ups);
const tMerge = performance.now()-t;
console.log(`raw apply ${tApply.toFixed(1)} encode ${tEnc.toFixed(1)} snapshot ${snap.length}B apply ${tSnap.toFixed(1)} encode ${tEnc2.toFixed(1)} merge ${tMerge.toFixed(1)} text ${d2.getXmlFragment('notes').length} paragraphs`);
}
