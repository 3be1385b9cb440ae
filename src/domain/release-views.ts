/** Platform-neutral release views (issue 10). PLACEHOLDER: the cards helper defines them. */
export interface ReleaseView {
  key: string;
  name: string;
}
export interface ReleaseSummaryView {
  key: string;
  name: string;
}
