import { sanitizeUrl } from '@braintree/sanitize-url';
import { useParams, useSearchParams } from 'react-router-dom';

export function ContinueLink() {
  const [searchParams] = useSearchParams();
  const next = searchParams.get('next') ?? '/';
  // ruleid: js-react-href-user-controlled-url
  return <a href={next}>Continue</a>;
}

export function WebsiteLink() {
  const website = new URLSearchParams(window.location.search).get('site');
  // ruleid: js-react-href-user-controlled-url
  return <a className="website" href={website ?? undefined} rel="noopener noreferrer">Website</a>;
}

export function OrderLink() {
  const { orderId } = useParams();
  // ok: js-react-href-user-controlled-url
  return <a href={`/orders/${orderId}`}>Order</a>;
}

export function SafeContinueLink() {
  const [searchParams] = useSearchParams();
  // ok: js-react-href-user-controlled-url
  return <a href={sanitizeUrl(searchParams.get('next') ?? '/')}>Continue</a>;
}
