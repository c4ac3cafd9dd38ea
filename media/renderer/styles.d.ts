/** Stylesheets are bundled as text (esbuild's text loader) and inserted as one <style>. */
declare module '*.css' {
  const text: string;
  export default text;
}
