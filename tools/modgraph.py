#!/usr/bin/env python3
"""Module graph of src/ from `crate::`, `super::` and child-module paths (doc links included,
test modules excluded); prints every strongly connected component with more than one module."""
import os,re,sys
root=sys.argv[1] if len(sys.argv)>1 else 'src'
mods={}
for d,_,fs in os.walk(root):
    for f in fs:
        if not f.endswith('.rs'): continue
        p=os.path.join(d,f); rel=os.path.relpath(p,root)[:-3].split(os.sep)
        if rel[-1] in ('mod',): rel=rel[:-1]
        if rel in (['lib'],['main']): rel=[]
        if rel and rel[-1] in ('tests','testing'): continue
        mods['::'.join(rel)]=p
def strip_tests(s):
    for pat in [r'#\[cfg\(test\)\]\s*(pub )?mod \w+ \{']:
        m=re.search(pat,s)
        if m: s=s[:m.start()]
    return s
def resolve(path):
    parts=path.split('::')
    for k in range(len(parts),0,-1):
        c='::'.join(parts[:k])
        if c in mods: return c
    return None
edges={m:set() for m in mods}
for m,p in mods.items():
    s=strip_tests(open(p).read())
    # In comments only links count: `](path)`, `[`path`]` and `[x]: path`.
    lines=[]
    for line in s.split('\n'):
        t=line.lstrip()
        if t.startswith('//'):
            line=' '.join(re.findall(r'\]\(([^)]*)\)|\[`((?:crate|super)::[^`]*)`\]|^//[!/] \[[^\]]*\]: (\S+)',t) and
                          [x for g in re.findall(r'\]\(([^)]*)\)|\[`((?:crate|super)::[^`]*)`\]|^//[!/] \[[^\]]*\]: (\S+)',t) for x in g if x])
        lines.append(line)
    s='\n'.join(lines)
    here=m.split('::') if m else []
    for mm in re.finditer(r'(?<![\w:])crate((?:::\w+)+)',s):
        t=resolve(mm.group(1)[2:]);
        if t is not None and t!=m: edges[m].add(t)
    for mm in re.finditer(r'(?<![\w:])((?:super::)+)((?:\w+::)*\w+|\{)',s):
        n=mm.group(1).count('super::'); base=here[:len(here)-n]
        rest=[] if mm.group(2)=='{' else mm.group(2).split('::')
        t=resolve('::'.join(base+rest)) if base+rest else ''
        if t is not None and t!=m: edges[m].add(t)
    for c in re.findall(r'^\s*(?:pub(?:\([\w:]+\))? )?mod (\w+);',s,re.M):
        child='::'.join(here+[c])
        if child in mods and re.search(r'(?<![\w:])'+c+r'::',s): edges[m].add(child)
# tarjan
idx={};low={};st=[];on=set();out=[];i=[0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v]=low[v]=i[0];i[0]+=1;st.append(v);on.add(v)
    for w in edges[v]:
        if w not in idx: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],idx[w])
    if low[v]==idx[v]:
        comp=[]
        while True:
            w=st.pop();on.discard(w);comp.append(w)
            if w==v:break
        if len(comp)>1: out.append(sorted(comp))
for v in mods:
    if v not in idx: sc(v)
if '-v' in sys.argv:
    for m in sorted(edges): print(m or '<crate>','->',', '.join(sorted(edges[m])))
for c in out:
    print('CYCLE:',' <-> '.join(c))
    for a in c:
        print('   ',a,'->',', '.join(sorted(x for x in edges[a] if x in c)))
print(len(out),'cycle(s)')
