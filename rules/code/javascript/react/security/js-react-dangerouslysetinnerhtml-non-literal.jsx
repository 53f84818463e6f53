import DOMPurify from 'dompurify';
import { marked } from 'marked';

export function Comment({ comment }) {
  // ruleid: js-react-dangerouslysetinnerhtml-non-literal
  return <div className="comment-body" dangerouslySetInnerHTML={{ __html: comment.html }} />;
}

export function Readme({ source }) {
  // ruleid: js-react-dangerouslysetinnerhtml-non-literal
  return <article dangerouslySetInnerHTML={{ __html: marked.parse(source) }} />;
}

export function SafeReadme({ source }) {
  // ok: js-react-dangerouslysetinnerhtml-non-literal
  return <article dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(marked.parse(source)) }} />;
}

export function Copyright() {
  // ok: js-react-dangerouslysetinnerhtml-non-literal
  return <footer dangerouslySetInnerHTML={{ __html: '&copy; 2024 Example Shop' }} />;
}

export function PlainComment({ comment }) {
  // ok: js-react-dangerouslysetinnerhtml-non-literal
  return <div className="comment-body">{comment.text}</div>;
}
