import { createClient } from '@supabase/supabase-js';
import type { Request, Response } from 'express';

const supabase = createClient(process.env.SUPABASE_URL!, process.env.SUPABASE_ANON_KEY!);
const SORTABLE = ['name', 'price', 'created_at'];

export async function searchProducts(req: Request, res: Response) {
  const q = String(req.query.q ?? '');
  const { data } = await supabase
    .from('products')
    .select('id, name, price')
    // ruleid: js-supabase-filter-injection
    .or(`name.ilike.%${q}%,sku.eq.${q}`);
  res.json(data);
}

export async function productFields(req: Request, res: Response) {
  // ruleid: js-supabase-filter-injection
  const { data } = await supabase.from('products').select(req.query.fields as string);
  res.json(data);
}

export async function searchProductsSafely(req: Request, res: Response) {
  const q = String(req.query.q ?? '');
  const sort = SORTABLE.includes(String(req.query.sort)) ? String(req.query.sort) : 'name';
  const { data } = await supabase
    .from('products')
    .select('id, name, price')
    // ok: js-supabase-filter-injection
    .ilike('name', `%${q}%`)
    .order(sort);
  res.json(data);
}

export async function productsByCategory(req: Request, res: Response) {
  // ok: js-supabase-filter-injection
  const { data } = await supabase.from('products').select('id, name').eq('category', req.params.category);
  res.json(data);
}
